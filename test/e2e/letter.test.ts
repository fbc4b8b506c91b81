// Writing the referral letter in the side panel, in real Chromium against the simulator: a letter
// written on a demo record from the general template, with the record's problems, becomes the
// referral's PDF attachment in e-RS, and a PDF reader finds the patient, NHS number, problems and
// the typed reason in it, and the referrer as the session knows them (never their user id). An
// administrator's template added on the options page is offered in the composer. axe stays clean.
import type { Page } from 'puppeteer-core';
import { USER_IDS } from 'ers-simulator';
import { describe, expect, it } from 'vitest';
import { openPanelFromRecord, referFromRecord, waitForText } from '../../scripts/lib/walkthrough';
import { expectAccessible } from '../helpers/axe';
import { pdfText } from '../helpers/pdf-text';
import { referralsWithLetters, startSignedInHarness, useHarness, type Harness } from './harness';

let h: Harness;
let lastPage: Page | undefined;

useHarness('letter', async () => (h = await startSignedInHarness()), { page: () => lastPage });

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
    // A platform session knows the user by id only (no id token): the letter names the role and
    // the organisation as A030 gives them, never the id as if it were a name.
    expect(text).not.toContain(USER_IDS.adams);
    expect(text).toContain('Referring clinician');
    expect(text).toContain('B86001');
  });

  it("an administrator's template added on the options page is offered in the composer; both pages pass axe", async () => {
    const options = await h.openPage('options.html');
    lastPage = options;
    await options.waitForSelector('[data-testid="letter-templates"] button');
    await options.click('[data-testid="letter-templates"] .nhs-button--secondary');
    await options.waitForSelector('#template-json');
    await expectAccessible(options, 'options page, letter template editor');
    const fill = async (text: string) => {
      await options.$eval('#template-json', (el) => {
        (el as HTMLTextAreaElement).value = '';
      });
      await options.type('#template-json', text);
    };
    await fill('{ "id": "e2e-chest-pain", "name": "E2E chest pain" ');
    await options.click('[data-testid="letter-templates"] .nhs-form-group .nhs-button:not(.nhs-button--secondary)');
    await waitForText(options, '[data-testid="templates-problem"]', /could not be read.*Nothing was saved/);
    await fill(
      JSON.stringify({
        id: 'e2e-chest-pain',
        name: 'E2E chest pain',
        title: 'Chest pain referral to {{service}}',
        sections: [{ kind: 'text', id: 'reason', heading: 'Chest pain story', required: true }],
      }),
    );
    await options.click('[data-testid="letter-templates"] .nhs-form-group .nhs-button:not(.nhs-button--secondary)');
    await waitForText(options, '[data-testid="templates-status"]', /Template saved/);
    await waitForText(options, '[data-template="e2e-chest-pain"]', /E2E chest pain[\s\S]*Offered/);
    await expectAccessible(options, 'options page, template saved');
    await options.close();

    // Another patient's record: a new draft, whose composer offers the template.
    const record = await h.browser.newPage();
    await record.goto(h.url('/demo/gp/record-9000000009.html'));
    const panel = await openPanelFromRecord(h.browser, record);
    lastPage = panel;
    await waitForText(panel, '[data-testid="banner-nhs-number"]', '900 000 0009');
    // The banner paints from the page before the draft is open; the letter step comes with the draft.
    await panel.waitForSelector('[data-testid="write-letter"]', { timeout: 20_000 });
    await panel.click('[data-testid="write-letter"]');
    await panel.waitForSelector('[data-testid="letter-composer"] #letter-template', { timeout: 20_000 });
    const offered = await panel.$$eval('#letter-template option', (os) => os.map((o) => o.textContent));
    expect(offered).toContain('E2E chest pain');
    await expectAccessible(panel, 'panel, letter composer');
    await record.close();
  });
});
