// Where the contract's data files are on disk, for Node only (tests, the simulator, scripts): the
// example bodies under examples/ and the reference CSVs under reference/. Not for the extension,
// which imports the constants from the package root instead.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Folder of the example bodies: legacy/, platform/, errors/ and INDEX.md. */
export const EXAMPLES_DIR = path.join(ROOT, 'examples');
/** Folder of the reference CSVs (clinic types, specialties, expected error codes). */
export const REFERENCE_DIR = path.join(ROOT, 'reference');

/** Absolute path of an example body, e.g. `examplePath('platform/A010_request_RcMinimal.json')`. */
export function examplePath(rel: string): string {
  return path.join(EXAMPLES_DIR, rel);
}

/** Absolute path of a reference file, e.g. `referencePath('clinic-types_from-legacy-A004.csv')`. */
export function referencePath(file: string): string {
  return path.join(REFERENCE_DIR, file);
}

/** Parses an example body that is JSON. */
export function readExample<T = unknown>(rel: string): T {
  return JSON.parse(readFileSync(examplePath(rel), 'utf8')) as T;
}
