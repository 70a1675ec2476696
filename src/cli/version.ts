import { readFileSync } from "node:fs";

export function readPackageVersion(): string {
  // dist/cli/version.js and src/cli/version.ts both sit two levels below package.json.
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
