import { readFile, stat } from "node:fs/promises";

/** A data file that cannot be read, with a plain message ("no such file", "is a directory"); `code` is Node's. */
export class DataFileError extends Error {
  override readonly name = "DataFileError";
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  ENOTDIR: "no such file (a part of the path is not a directory)",
  EISDIR: "is a directory, not a file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "the path is too long",
};

/** Reads a whole data file; any failure becomes a DataFileError whose message names the path and the reason. */
export async function readDataFile(path: string): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    return await readFile(path);
  } catch (error) {
    throw dataFileError(path, error);
  }
}

/** The DataFileError for a failed file operation on `path`. */
export function dataFileError(path: string, error: unknown): DataFileError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code === undefined ? undefined : REASONS[code]) ?? `cannot be read (${code ?? String(error)})`;
  return new DataFileError(`${path}: ${reason}`, code, { cause: error });
}
