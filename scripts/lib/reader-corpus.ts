// The reader corpus (test/fixtures/pages/corpus/): realistic clinical pages, each with its ground
// truth in a `<!-- truth {...} -->` comment (who the record is about; who else is on the page). One
// scoring rule for the unit test and `npm run bench`: a read is *wrong* when any field it reports
// (NHS number, family or first given name, date of birth, sex, postcode) is not the record's
// patient's; *refused* when it reports no patient where there is one; *correct* otherwise (including
// "no patient" on a page that is not one patient's record). Refusing is safe.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PatientContextReport } from '../../utils/patient/types';

export const CORPUS_DIR = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'pages', 'corpus');

export interface CorpusTruth {
  /** The record's patient, or null when the page is not one patient's record (a list). */
  patient: { nhsNumber: string; family: string; given: string; birthDate?: string; gender?: string; postcode?: string } | null;
  others: string[];
}
export interface CorpusPage {
  name: string;
  html: string;
  truth: CorpusTruth;
}

export function loadCorpus(dir = CORPUS_DIR): CorpusPage[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.html'))
    .sort()
    .map((f) => {
      const html = readFileSync(join(dir, f), 'utf8');
      const m = /<!-- truth (\{.*\}) -->/.exec(html);
      if (!m) throw new Error(`${f}: no truth comment`);
      return { name: f.replace(/\.html$/, ''), html, truth: JSON.parse(m[1]!) as CorpusTruth };
    });
}

export type Verdict = 'correct' | 'refused' | 'wrong';

const same = (a: string | undefined, b: string | undefined) => (a ?? '').toUpperCase() === (b ?? '').toUpperCase();

/** The fields of `report` that do not belong to the truth's patient (empty: none wrong). */
export function wrongFields(truth: CorpusTruth, report: Pick<PatientContextReport, 'status' | 'patient'>): string[] {
  const p = report.status === 'single' ? report.patient : undefined;
  if (!p) return [];
  const t = truth.patient;
  if (!t) return ['patient (the page is not one patient\u2019s record)'];
  const wrong: string[] = [];
  if (p.nhsNumber !== t.nhsNumber) wrong.push('nhsNumber');
  if (!same(p.name.family, t.family)) wrong.push('family');
  if (!same(p.name.given[0], t.given)) wrong.push('given');
  for (const f of ['birthDate', 'gender', 'postcode'] as const) if (p[f] !== undefined && p[f] !== t[f]) wrong.push(f);
  return wrong;
}

export function verdict(truth: CorpusTruth, report: Pick<PatientContextReport, 'status' | 'patient'>): Verdict {
  // On a page that is no one patient's record (a clinic list), "no patient" is the right answer.
  if (report.status !== 'single') return truth.patient ? 'refused' : 'correct';
  return wrongFields(truth, report).length ? 'wrong' : 'correct';
}
