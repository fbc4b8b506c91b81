// Refer and book through the real extension in headless Chromium: from the record page (Refer) to
// the appointment confirmation letter, counting the user's actions, the patient details typed (none)
// and the e-RS requests the flow makes (from the simulator's request log, by operation).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchLine } from './bench-content';
import { requestLog } from './lib/ers-requests';
import { sampleLetterPdf } from './lib/sample-letter';
import { signInOnRecord, startStage } from './lib/stage';
import { referFromRecord } from './lib/walkthrough';

export async function benchBooking(): Promise<BenchLine[]> {
  const requests = requestLog();
  const stage = await startStage({ sim: { log: requests.log } });
  const { browser, sim } = stage;
  try {
    const { record } = await signInOnRecord(stage);
    await record.close();

    const letter = path.join(mkdtempSync(path.join(tmpdir(), 'ers-bench-')), 'referral-letter.pdf');
    writeFileSync(letter, await sampleLetterPdf('Benchmark referral letter'));
    /** One referral booked from its record page; returns its counts. */
    const referAndBook = async (record: string, nhsNumber: string) => {
      requests.mark();
      // Up to Submit as in the routine referral (scripts/lib/walkthrough.ts counts those actions) ...
      const r = await referFromRecord(stage, { record, nhsNumber, letterFile: letter, stopBefore: 'submit' });
      // ... with a service that has free slots (the simulator's setting, not a user action).
      const serviceId = await r.panel.$eval('[data-shortlist-id]', (e) => e.getAttribute('data-shortlist-id')!);
      await fetch(`${sim.url}/_admin/slots`, { method: 'POST', body: JSON.stringify({ serviceId, profile: 'few' }) });
      let actions = r.actions;
      await r.panel.waitForFunction(() => !(document.querySelector('[data-testid="submit"]') as HTMLButtonElement | null)?.disabled);
      actions++;
      await r.panel.click('[data-testid="submit"]'); // Submit referral
      const earliest = await r.panel.waitForSelector('[data-slot-id]', { timeout: 60_000 });
      actions++;
      await earliest!.click(); // Book the earliest slot, with the patient
      const open = await r.panel.waitForSelector('[data-testid="open-booking-letter"]', { timeout: 60_000 });
      const href = await open!.evaluate((a) => (a as HTMLAnchorElement).href);
      const tab = browser.waitForTarget((t) => t.url() === href, { timeout: 10_000 }).catch(() => undefined);
      actions++;
      await open!.click(); // Open the appointment confirmation letter to print
      await (await (await tab)?.asPage())?.close();
      const ops = requests.ops();
      await r.panel.click('[data-testid="finish"]');
      await r.record.close();
      return { actions, typed: r.typedPatientFields, ops };
    };
    // The first time the specialty is chosen and reference data fetched; the second is the routine case.
    const first = await referAndBook('/demo/gp/record-9000000009.html', '9000000009');
    const second = await referAndBook('/demo/gp/record-4010232137.html', '4010232137');
    console.error(`refer and book, e-RS requests: first ${first.ops.join(' ')}; second ${second.ops.join(' ')}`);
    return [
      { name: 'user_actions_refer_and_book_first_time', value: first.actions, unit: 'actions' },
      { name: 'user_actions_refer_and_book', value: second.actions, unit: 'actions' },
      { name: 'typed_patient_fields_refer_and_book', value: second.typed, unit: 'fields' },
      { name: 'http_requests_refer_and_book_first_time', value: first.ops.length, unit: 'requests' },
      { name: 'http_requests_refer_and_book', value: second.ops.length, unit: 'requests' },
    ];
  } finally {
    await stage.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchBooking()) console.log(JSON.stringify(line));
}
