// Ask for Advice and Guidance through the real extension UI, as a clinician would: from the record
// page (Refer, then "Ask for advice") to the request sent. Counts the user's actions the way
// ./walkthrough.ts counts a referral's (clicks, choices, file picks, and writing the question
// once) and the patient details typed (none). Shared by the end-to-end test and `npm run bench`.
import type { ElementHandle, Page } from 'puppeteer-core';
import { openPanelFromRecord, waitForText, type Stage } from './walkthrough';

export interface AskOptions {
  /** Demo page, e.g. `/demo/gp/record-9434765919.html`. */
  record: string;
  nhsNumber: string;
  /** Chosen only when the panel does not already have it (remembered from the last search). */
  specialty?: string;
  question: string;
  conversion: 'AUTHORISED_TO_CONVERT' | 'NOT_AUTHORISED_TO_CONVERT';
  /** Path of a file to attach. */
  file?: string;
}

export interface AskResult {
  ubrn: string;
  actions: number;
  typedPatientFields: number;
  steps: string[];
  record: Page;
  panel: Page;
}

export async function askAdviceFromRecord(stage: Stage, options: AskOptions): Promise<AskResult> {
  const steps: string[] = [];
  let actions = 0;
  const act = async (what: string, fn: () => Promise<unknown>) => {
    actions++;
    await fn();
    steps.push(`${actions}. ${what}`);
  };
  const record = await stage.browser.newPage();
  await record.goto(stage.url(options.record));
  await record.waitForSelector('ers-refer-button', { visible: true, timeout: 15_000 });
  let panel!: Page;
  await act('Refer (on the record page)', async () => {
    panel = await (stage.openPanel ? stage.openPanel(record) : openPanelFromRecord(stage.browser, record));
  });
  await waitForText(panel, '[data-testid="banner-nhs-number"]', options.nhsNumber.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3'));
  const choose = await panel.waitForSelector('[data-testid="choose-advice"]', { timeout: 20_000 });
  await act('Ask for advice', () => choose!.click());
  await panel.waitForSelector('[data-testid="advice-compose"]', { timeout: 20_000 });

  const specialty = options.specialty ?? 'CARDIOLOGY';
  await panel.waitForSelector(`#advice-specialty option[value="${specialty}"]`, { timeout: 20_000 });
  if ((await panel.$eval('#advice-specialty', (s) => (s as HTMLSelectElement).value)) !== specialty) {
    await act(`Choose specialty ${specialty} (searches)`, () => panel.select('#advice-specialty', specialty));
  }
  const service = (await panel.waitForSelector('input[name="advice-service"]', { timeout: 20_000 })) as ElementHandle<HTMLInputElement>;
  const serviceName = await service.evaluate((i) => (i.parentElement as HTMLElement).innerText.trim());
  await act(`Choose the advice service "${serviceName}"`, () => service.click());
  await panel.waitForFunction(() => (document.querySelector('input[name="advice-service"]') as HTMLInputElement | null)?.checked === true);
  await act('Write the question', () => panel.type('#advice-request', options.question));
  if (options.file) {
    const input = (await panel.$('#advice-files')) as ElementHandle<HTMLInputElement>;
    await act('Choose a file to attach', () => input.uploadFile(options.file!));
    await panel.waitForSelector('[data-advice-file]', { timeout: 10_000 });
  }
  await act(options.conversion === 'AUTHORISED_TO_CONVERT' ? 'The provider may convert it' : 'Advice only', () =>
    panel.click(`input[name="advice-conversion"][value="${options.conversion}"]`),
  );
  await panel.waitForFunction(() => !(document.querySelector('[data-testid="advice-send"]') as HTMLButtonElement | null)?.disabled, { timeout: 10_000 });
  await act('Send request for advice', () => panel.click('[data-testid="advice-send"]'));
  await panel.waitForSelector(
    '[data-testid="advice-sent"], [data-testid="advice-problems"], [data-testid="advice-outcome-unknown"], [data-testid="advice-error"]',
    {
      timeout: 60_000,
    },
  );
  const sent = await panel.$('[data-testid="advice-ubrn"]');
  if (!sent) throw new Error(`the request for advice was not sent: ${(await panel.$eval('main', (m) => (m as HTMLElement).innerText)).slice(0, 600)}`);
  const ubrn = await sent.evaluate((e) => e.getAttribute('data-ubrn') ?? '');
  steps.push(`   UBRN ${ubrn}`);
  return { ubrn, actions, typedPatientFields: 0, steps, record, panel };
}
