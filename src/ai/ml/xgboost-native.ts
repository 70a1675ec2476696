/**
 * XGBoost's C library (Debian `libxgboost0`, 1.7) through koffi: just what the ML signal source needs — dense
 * float matrices with NaN as "missing", training one round at a time, prediction, model files and gain
 * importance. The library is loaded on first use, so a machine without it fails only when a model is used, with a
 * message saying what to install.
 */
import koffi from "koffi";

/** Thrown when libxgboost cannot be loaded; `aegis train ml` turns it into a plain message. */
export class XgboostUnavailableError extends Error {
  constructor(detail: string) {
    super(`XGBoost's C library is not available (${detail}); install it with: apt-get install libxgboost-dev`);
    this.name = "XgboostUnavailableError";
  }
}

type Fn = (...args: unknown[]) => unknown;

interface Binding {
  lastError: Fn;
  matrixFromDense: Fn;
  matrixSetFloat: Fn;
  matrixFree: Fn;
  boosterCreate: Fn;
  boosterFree: Fn;
  setParam: Fn;
  updateOneIter: Fn;
  predict: Fn;
  saveModel: Fn;
  loadModel: Fn;
  numFeature: Fn;
  featureScore: Fn;
}

const LIBRARY_NAMES = ["libxgboost.so.0", "libxgboost.so", "libxgboost.dylib"];

let binding: Binding | undefined;
let loadFailure: string | undefined;

function bind(): Binding {
  if (binding) return binding;
  if (loadFailure) throw new XgboostUnavailableError(loadFailure);
  let lib: ReturnType<typeof koffi.load> | undefined;
  const failures: string[] = [];
  for (const name of LIBRARY_NAMES) {
    try {
      lib = koffi.load(name);
      break;
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  if (!lib) {
    loadFailure = failures.join("; ");
    throw new XgboostUnavailableError(loadFailure);
  }
  koffi.pointer("XGHandle", koffi.opaque());
  const f = (definition: string) => lib.func(definition) as unknown as Fn;
  binding = {
    lastError: f("const char *XGBGetLastError()"),
    matrixFromDense: f(
      "int XGDMatrixCreateFromMat(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ XGHandle *out)",
    ),
    matrixSetFloat: f("int XGDMatrixSetFloatInfo(XGHandle h, const char *field, const float *array, uint64_t len)"),
    matrixFree: f("int XGDMatrixFree(XGHandle h)"),
    boosterCreate: f("int XGBoosterCreate(XGHandle *dmats, uint64_t len, _Out_ XGHandle *out)"),
    boosterFree: f("int XGBoosterFree(XGHandle h)"),
    setParam: f("int XGBoosterSetParam(XGHandle h, const char *name, const char *value)"),
    updateOneIter: f("int XGBoosterUpdateOneIter(XGHandle h, int iter, XGHandle dtrain)"),
    predict: f(
      "int XGBoosterPredict(XGHandle h, XGHandle dmat, int option, uint32_t ntree, int training, _Out_ uint64_t *len, _Out_ void **out)",
    ),
    saveModel: f("int XGBoosterSaveModel(XGHandle h, const char *fname)"),
    loadModel: f("int XGBoosterLoadModel(XGHandle h, const char *fname)"),
    numFeature: f("int XGBoosterGetNumFeature(XGHandle h, _Out_ uint64_t *out)"),
    featureScore: f(
      "int XGBoosterFeatureScore(XGHandle h, const char *config, _Out_ uint64_t *nfeat, _Out_ void **names, _Out_ uint64_t *dim, _Out_ void **shape, _Out_ void **scores)",
    ),
  };
  return binding;
}

/** True when libxgboost loads here; the reason otherwise (tests use it to skip or, in CI, fail). */
export function xgboostStatus(): { available: true } | { available: false; reason: string } {
  try {
    bind();
    return { available: true };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
}

function check(b: Binding, code: unknown, what: string): void {
  if (code !== 0) throw new Error(`XGBoost ${what} failed: ${String(b.lastError())}`);
}

/** A dense row-major matrix; NaN cells are missing values, which XGBoost routes down a learned default branch. */
export interface DenseMatrix {
  readonly data: Float32Array;
  readonly rows: number;
  readonly columns: number;
}

function withMatrix<T>(b: Binding, matrix: DenseMatrix, labels: Float32Array | undefined, use: (h: unknown) => T): T {
  if (matrix.data.length !== matrix.rows * matrix.columns) {
    throw new RangeError(`matrix data has ${matrix.data.length} cells, expected ${matrix.rows}×${matrix.columns}`);
  }
  const out: unknown[] = [null];
  check(b, b.matrixFromDense(matrix.data, matrix.rows, matrix.columns, Number.NaN, out), "DMatrix creation");
  const handle = out[0];
  try {
    if (labels) {
      if (labels.length !== matrix.rows) throw new RangeError(`${labels.length} labels for ${matrix.rows} rows`);
      check(b, b.matrixSetFloat(handle, "label", labels, labels.length), "setting labels");
    }
    return use(handle);
  } finally {
    b.matrixFree(handle);
  }
}

const finalizer = new FinalizationRegistry<unknown>((handle) => {
  binding?.boosterFree(handle);
});

/** One XGBoost booster (a gradient-boosted model, or a random forest when one round grows parallel trees). */
export class Booster {
  #handle: unknown;

  private constructor(handle: unknown) {
    this.#handle = handle;
    finalizer.register(this, handle, this);
  }

  /** Trains `rounds` boosting rounds with string parameters as XGBoost spells them (`objective`, `seed` …). */
  static train(matrix: DenseMatrix, labels: Float32Array, parameters: Record<string, string | number>, rounds: number) {
    const b = bind();
    return withMatrix(b, matrix, labels, (dtrain) => {
      const out: unknown[] = [null];
      check(b, b.boosterCreate([dtrain], 1, out), "booster creation");
      const booster = new Booster(out[0]);
      for (const [name, value] of Object.entries(parameters)) {
        check(b, b.setParam(out[0], name, String(value)), `parameter ${name}=${value}`);
      }
      for (let round = 0; round < rounds; round++) check(b, b.updateOneIter(out[0], round, dtrain), `round ${round}`);
      return booster;
    });
  }

  /**
   * Reads a model file written by `save` (XGBoost's JSON format when the name ends in .json). The file holds no
   * thread count, and XGBoost's default (every core, through OpenMP) makes a one-row prediction ~40× slower on a
   * busy machine, so `threads` is set again here.
   */
  static load(path: string, threads = 1): Booster {
    const b = bind();
    const out: unknown[] = [null];
    check(b, b.boosterCreate([], 0, out), "booster creation");
    const booster = new Booster(out[0]);
    check(b, b.loadModel(out[0], path), `loading ${path}`);
    check(b, b.setParam(out[0], "nthread", String(threads)), "parameter nthread");
    return booster;
  }

  #live(): unknown {
    if (this.#handle === undefined) throw new Error("XGBoost booster used after dispose()");
    return this.#handle;
  }

  /** Probability of class 1 for each row (binary:logistic). */
  predict(matrix: DenseMatrix): Float32Array {
    const b = bind();
    const handle = this.#live();
    return withMatrix(b, matrix, undefined, (dmat) => {
      const length: unknown[] = [0];
      const result: unknown[] = [null];
      check(b, b.predict(handle, dmat, 0, 0, 0, length, result), "prediction");
      // The library owns the buffer until the next call on this booster: copy it out now.
      return Float32Array.from(koffi.decode(result[0], "float", Number(length[0])) as Float32Array);
    });
  }

  save(path: string): void {
    check(bind(), bind().saveModel(this.#live(), path), `saving ${path}`);
  }

  get featureCount(): number {
    const out: unknown[] = [0];
    check(bind(), bind().numFeature(this.#live(), out), "reading the feature count");
    return Number(out[0]);
  }

  /** Importance per feature name; features never used in a split are absent (XGBoost omits them). */
  importance(featureNames: readonly string[], type: "gain" | "total_gain" | "weight" = "gain"): Map<string, number> {
    const b = bind();
    const config = JSON.stringify({ importance_type: type, feature_names: featureNames });
    const count: unknown[] = [0];
    const names: unknown[] = [null];
    const dim: unknown[] = [0];
    const shape: unknown[] = [null];
    const scores: unknown[] = [null];
    check(b, b.featureScore(this.#live(), config, count, names, dim, shape, scores), "feature importance");
    const n = Number(count[0]);
    const result = new Map<string, number>();
    if (n === 0) return result;
    const nameList = koffi.decode(names[0], "const char *", n) as string[];
    const values = koffi.decode(scores[0], "float", n) as Float32Array;
    for (const [i, name] of nameList.entries()) result.set(name, values[i] as number);
    return result;
  }

  dispose(): void {
    if (this.#handle === undefined) return;
    finalizer.unregister(this);
    bind().boosterFree(this.#handle);
    this.#handle = undefined;
  }
}
