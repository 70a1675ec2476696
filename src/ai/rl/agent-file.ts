/**
 * A trained agent on disk: its network (Float32 parameters, base64 little-endian, so the file is byte-exact and
 * the same seed gives the same bytes), the feature list and pipeline version it reads, the training-window
 * normalization, its actions, and the honest out-of-sample figures of its training run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRandom } from "../../domain/random.js";
import { FEATURE_PIPELINE_VERSION, type FeatureName, isFeatureName } from "../features/feature-names.js";
import { Mlp } from "../nn/mlp.js";
import type { EnvAction } from "./env-actions.js";
import type { Normalization } from "./observation.js";

export const AGENT_FORMAT = "aegis-dqn-agent";
export const AGENT_FORMAT_VERSION = 1;

export type AgentKind = "dqn" | "leverage-dqn";

export interface AgentFile {
  readonly format: typeof AGENT_FORMAT;
  readonly formatVersion: number;
  readonly kind: AgentKind;
  readonly featurePipelineVersion: string;
  readonly features: readonly FeatureName[];
  /** Context features observed as 0 because no series was given in training. */
  readonly absentFeatures: readonly FeatureName[];
  readonly normalization: Normalization;
  readonly actions: readonly EnvAction[];
  readonly allowShort: boolean;
  readonly layers: readonly number[];
  /** Float32 parameters, little-endian, base64. */
  readonly params: string;
  readonly barMs: number;
  readonly symbol: string;
  /** Everything else the run wants to keep (windows, seed, epochs, metrics). */
  readonly training: Readonly<Record<string, unknown>>;
}

export class AgentFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AgentFileError";
  }
}

export function encodeParams(params: Float32Array | Float64Array): string {
  const f32 = params instanceof Float32Array ? params : Float32Array.from(params);
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString("base64");
}

export function decodeParams(text: string): Float32Array {
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % 4 !== 0) throw new AgentFileError("params are not a whole number of float32 values");
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

export function saveAgent(path: string, file: AgentFile): void {
  writeFileSync(path, `${JSON.stringify(file, null, 1)}\n`);
}

/** A loaded agent: its network with the saved parameters, ready for greedy inference. */
export interface LoadedAgent {
  readonly path: string;
  readonly file: AgentFile;
  readonly network: Mlp;
}

/** Reads and checks an agent file; anything wrong is an AgentFileError naming what. */
export function loadAgent(path: string): LoadedAgent {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new AgentFileError(`${path}: cannot read the agent file`);
  }
  let file: AgentFile;
  try {
    file = JSON.parse(text) as AgentFile;
  } catch {
    throw new AgentFileError(`${path}: not JSON`);
  }
  if (file?.format !== AGENT_FORMAT) throw new AgentFileError(`${path}: not an Aegis DQN agent file (aegis train dqn)`);
  if (file.formatVersion !== AGENT_FORMAT_VERSION)
    throw new AgentFileError(`${path}: agent format ${file.formatVersion}, this Aegis reads ${AGENT_FORMAT_VERSION}`);
  if (file.featurePipelineVersion !== FEATURE_PIPELINE_VERSION) {
    throw new AgentFileError(
      `${path}: trained with feature pipeline ${file.featurePipelineVersion}, this Aegis computes ${FEATURE_PIPELINE_VERSION}: retrain it`,
    );
  }
  const bad = (file.features ?? []).find((name) => !isFeatureName(name));
  if (bad !== undefined || !Array.isArray(file.features)) throw new AgentFileError(`${path}: unknown feature ${bad}`);
  const layers = file.layers ?? [];
  if (layers[0] !== file.features.length || layers[layers.length - 1] !== file.actions?.length) {
    throw new AgentFileError(
      `${path}: network ${layers.join("→")} does not fit ${file.features.length} features and ${file.actions?.length} actions`,
    );
  }
  const network = new Mlp(layers, createRandom(0));
  const params = decodeParams(file.params);
  if (params.length !== network.params.length)
    throw new AgentFileError(`${path}: ${params.length} parameters, the network has ${network.params.length}`);
  if (params.some((p) => !Number.isFinite(p))) throw new AgentFileError(`${path}: a parameter is not finite`);
  network.params.set(params);
  return { path, file, network };
}
