// @vitest-environment happy-dom
// The reader corpus: ≥ 30 realistic clinical pages (test/fixtures/pages/corpus/) with their ground
// truth. No page may yield a wrong identity; the tally of correct and refused reads is printed (and
// measured in real Chromium by `npm run bench`).
import { describe, expect, it } from 'vitest';
import { loadCorpus, verdict, wrongFields } from '../../scripts/lib/reader-corpus';
import { readPatientContext } from '../../utils/patient/parse';
import { parseHtml } from './helpers';

const corpus = loadCorpus();
const read = (html: string) => readPatientContext(parseHtml(html), 'https://unseen.example/record', [], 1);

describe('reader corpus', () => {
  it('has at least 30 pages, each with its ground truth', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.map((p) => [p.name, p] as const))('%s: no wrong identity', (_name, page) => {
    expect(wrongFields(page.truth, read(page.html))).toEqual([]);
  });

  it('reads at least 80 % of the pages correctly', () => {
    const tally = { correct: 0, refused: 0, wrong: 0 };
    const refused: string[] = [];
    for (const p of corpus) {
      const v = verdict(p.truth, read(p.html));
      tally[v]++;
      if (v === 'refused' && p.truth.patient) refused.push(p.name);
    }
    console.info(`reader corpus: ${corpus.length} pages, ${tally.correct} correct, ${tally.refused} refused (${refused.join(', ')}), ${tally.wrong} wrong`);
    expect(tally.wrong).toBe(0);
    expect(tally.correct / corpus.length).toBeGreaterThanOrEqual(0.8);
  });
});
