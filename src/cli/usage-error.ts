/** A mistake in how the command was called (bad option value, unknown strategy); exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
