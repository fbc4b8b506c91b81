// The simulator's own data tables (data/*.csv: organisations, clinical terms, postcode districts)
// and the contract's reference CSVs are read the same way: a header row, then one record a line.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data');

/** Absolute path of one of the simulator's data tables, e.g. `dataPath('organisations.csv')`. */
export function dataPath(file: string): string {
  return path.join(DATA_DIR, file);
}

/** The records of a CSV file without its header row. The files never quote fields (no commas inside values), so a split suffices. */
export function readCsv(absolutePath: string): string[][] {
  return readFileSync(absolutePath, 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(','));
}
