// Writing the referral letter in the side panel, in real Chromium against the simulator: a letter
// written on a demo record from the general template, with the record's problems, becomes the
// referral's PDF attachment in e-RS, and a PDF reader finds the patient, NHS number, problems and
// the typed reason in it.
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { referFromRecord } from '../../scripts/lib/walkthrough';
import { pdfText } from '../helpers/pdf-text';
import { referralsWithLetters, startSignedInHarness, type Harness } from './harness';

let h: Harness;
let lastPage: Page | undefined;

beforeAll(async () => {
  h = await startSignedInHarness();
});
afterAll(async () => {
  await h?.close();
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && lastPage) await h.screenshot(lastPage, `letter-${ctx.task.name}`);
});

describe('write the referral letter in the panel', () => {
  it('a letter written on a demo record is attached in e-RS as a PDF with the patient, NHS number, problems and reason', async () => {
    const reason = 'Six weeks of central chest tightness on exertion, relieved by rest.';
    const result = await referFromRecord(h, { record: '/demo/gp/record-9434765919.html', nhsNumber: '9434765919', writeLetter: { reason } });
    lastPage = result.panel;
    const [referral] = referralsWithLetters(h.sim, '9434765919').filter((r) => r.ubrn === result.ubrn);
    expect(referral.letters).toEqual([expect.stringMatching(/^Referral_letter_\d{4}-\d{2}-\d{2}\.pdf$/)]);
    const binary = h.sim.binaries().find((b) => b.linkedUbrn === result.ubrn)!;
    expect(binary.contentType).toBe('application/pdf');
    const text = await pdfText(h.sim.binaryContent(binary.id)!);
    expect(text).toContain('JONES, Sarah (Mrs)');
    expect(text).toContain('943 476 5919');
    expect(text).toContain('Essential hypertension');
    expect(text).toContain('Exertional chest pain');
    expect(text).toContain(reason);
  });
});
