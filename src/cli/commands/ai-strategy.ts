/** `--strategy ai`: the orchestrated ensemble of the AI sources that exist (issue 9). */
export const AI_STRATEGY = "ai";
