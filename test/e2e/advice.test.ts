// Advice and Guidance in real Chromium against the simulator: ask for advice from a demo record
// page (Refer, then "Ask for advice"), the simulated provider replies (admin endpoint), the badge
// appears, the conversation opens with the attached file (A042) and the overview PDF (A043).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { examplePath } from 'ers-contract/files';
import { askAdviceFromRecord } from '../../scripts/lib/advice-walkthrough';
import { fetchBytes, waitForText } from '../../scripts/lib/walkthrough';
import { expectAccessible } from '../helpers/axe';
import { startSignedInHarness, useHarness, type Harness } from './harness';

const FILE = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');
const QUESTION = 'Palpitations for three weeks, normal ECG at the practice. Is a 24-hour tape needed before any referral?';
const REPLY = 'No tape needed yet: start bisoprolol 1.25 mg and review in four weeks.';
/** The provider's plan, attached to its reply (a PDF from the contract's examples). */
const PLAN = examplePath('platform/A007_response_000000070000_Clinical_Information_Summary_20210706114852.pdf');

let h: Harness;
let lastPage: Page | undefined;

interface SimAdvice {
  ubrn: string;
  status: string;
  messages: number;
}

async function simAdvice(): Promise<SimAdvice[]> {
  const body = (await (await fetch(`${h.sim.url}/_admin/advice`)).json()) as { advice: Record<string, unknown>[] };
  return body.advice.map((a) => ({ ubrn: String(a.ubrn), status: String(a.category), messages: Number(a.messages) }));
}

async function provider(ubrn: string, action: string, body: object): Promise<void> {
  const res = await fetch(`${h.sim.url}/_admin/advice/${ubrn}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBeLessThan(300);
}

/** The bytes behind a link in the panel (an object URL), read inside the panel. */
async function bytesOf(panel: Page, selector: string): Promise<Buffer> {
  return fetchBytes(panel, await panel.$eval(selector, (a) => (a as HTMLAnchorElement).href));
}

useHarness('advice', async () => (h = await startSignedInHarness()), { page: () => lastPage });

describe('Advice and Guidance from a demo record page', () => {
  it('asks once, the provider replies, the badge shows, the conversation, its file and the overview PDF open', async () => {
    const before = await simAdvice();
    const asked = await askAdviceFromRecord(h, {
      record: '/demo/gp/record-9434765919.html',
      nhsNumber: '9434765919',
      question: QUESTION,
      conversion: 'NOT_AUTHORISED_TO_CONVERT',
      file: FILE,
    });
    const panel = asked.panel;
    lastPage = panel;
    expect(asked.ubrn).toMatch(/^\d{12}$/);
    expect(asked.typedPatientFields).toBe(0);
    // Sent exactly once, waiting for the provider.
    const created = (await simAdvice()).filter((a) => !before.some((b) => b.ubrn === a.ubrn));
    expect(created.map((a) => [a.ubrn, a.status])).toEqual([[asked.ubrn, 'PROVIDER_RESPONSE_REQUIRED']]);
    await waitForText(panel, '[data-testid="advice-requests"]', asked.ubrn);
    await waitForText(panel, `li[data-ubrn="${asked.ubrn}"] [data-testid="advice-status"]`, 'Waiting for the provider');
    await expectAccessible(panel, 'advice sent');
    expect(await panel.$('[data-testid="advice-badge"]')).toBeNull();

    const plan = await readFile(PLAN);
    await provider(asked.ubrn, 'respond', {
      text: REPLY,
      outcome: 'advice',
      file: { fileName: 'Cardiology_plan.pdf', contentType: 'application/pdf', base64: plan.toString('base64') },
    });
    await panel.click('[data-testid="advice-check"]');
    await waitForText(panel, '[data-testid="advice-badge"]', '1 advice reply waiting');
    await waitForText(panel, `li[data-ubrn="${asked.ubrn}"] [data-testid="advice-status"]`, 'Advice received');

    await panel.click(`li[data-ubrn="${asked.ubrn}"] [data-testid="advice-open"]`);
    await waitForText(panel, '[data-testid="advice-conversation"]', REPLY);
    await waitForText(panel, '[data-testid="advice-conversation"]', QUESTION);
    // Opened: the reply is no longer waiting.
    await panel.waitForFunction(() => !document.querySelector('[data-testid="advice-badge"]'), { timeout: 20_000 });
    expect(await panel.$eval('[data-testid="advice-web-app"]', (a) => (a as HTMLAnchorElement).href)).toBe(`${new URL(h.sim.url).origin}/`);
    await expectAccessible(panel, 'advice conversation');

    // The file sent with the question, and the provider's file with its reply, each downloaded from e-RS (A042).
    const mine = `[data-testid="advice-message"]:has([data-attachment-title="${path.basename(FILE)}"])`;
    const theirs = '[data-testid="advice-message"]:has([data-attachment-title="Cardiology_plan.pdf"])';
    expect(await panel.$eval(theirs, (li) => li.textContent)).toContain('From the provider');
    await panel.click(`${mine} [data-testid="advice-attachment"]`);
    await panel.waitForSelector(`${mine} [data-testid="advice-attachment-link"]`, { timeout: 20_000 });
    expect(await panel.$eval(`${mine} [data-testid="advice-attachment-link"]`, (a) => a.getAttribute('download'))).toBe(path.basename(FILE));
    expect((await bytesOf(panel, `${mine} [data-testid="advice-attachment-link"]`)).subarray(0, 5).toString()).toBe('%PDF-');
    await panel.click(`${theirs} [data-testid="advice-attachment"]`);
    await panel.waitForSelector(`${theirs} [data-testid="advice-attachment-link"]`, { timeout: 20_000 });
    expect(await panel.$eval(`${theirs} [data-testid="advice-attachment-link"]`, (a) => a.getAttribute('download'))).toBe('Cardiology_plan.pdf');
    expect((await bytesOf(panel, `${theirs} [data-testid="advice-attachment-link"]`)).equals(plan)).toBe(true);

    // The overview PDF for the record (A043).
    await panel.click('[data-testid="advice-pdf"]');
    await panel.waitForSelector('[data-testid="advice-pdf-link"]', { timeout: 20_000 });
    const pdf = await bytesOf(panel, '[data-testid="advice-pdf-link"]');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await panel.$eval('[data-testid="advice-pdf-link"]', (a) => a.getAttribute('download'))).toMatch(
      new RegExp(`^${asked.ubrn}_Advice_And_Guidance.*\\.pdf$`),
    );
  });

  it('a request the provider converts says it is now a referral, and opens in the Referrals view', async () => {
    const asked = await askAdviceFromRecord(h, {
      record: '/demo/gp/record-4857773457.html',
      nhsNumber: '4857773457',
      question: QUESTION,
      conversion: 'AUTHORISED_TO_CONVERT',
    });
    lastPage = asked.panel;
    const counted = () => asked.panel.$eval('[data-testid="referrals-count"]', (e) => e.textContent ?? '');
    await asked.panel.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid="referrals-count"]')?.textContent ?? ''), { timeout: 20_000 });
    const before = Number(await counted());
    await provider(asked.ubrn, 'convert', {});
    await asked.panel.click('[data-testid="advice-check"]');
    await waitForText(asked.panel, `li[data-ubrn="${asked.ubrn}"]`, 'Converted to a referral');
    await waitForText(asked.panel, `li[data-ubrn="${asked.ubrn}"]`, 'followed with your referrals');
    expect(h.sim.referrals().filter((r) => r.ubrn === asked.ubrn)).toHaveLength(1);
    // Waiting at the provider, on no worklist yet: counted with the referrals, and shown in their view.
    await asked.panel.waitForFunction(
      (n) => document.querySelector('[data-testid="referrals-count"]')?.textContent === String(n),
      { timeout: 20_000 },
      before + 1,
    );
    await asked.panel.click(`li[data-ubrn="${asked.ubrn}"] [data-testid="advice-open-referral"]`);
    const row = `[data-list="ADVICE_CONVERTED"] [data-ubrn="${asked.ubrn}"]`;
    await waitForText(asked.panel, row, 'Converted to a referral by the provider');
    await waitForText(asked.panel, `${row} [data-testid="referral-state"]`, 'Triaged provider to action');
    await expectAccessible(asked.panel, 'converted referral');
    await asked.record.close();
  });

  it('nothing can be sent until the conversion choice is made (there is no default)', async () => {
    const record = await h.browser.newPage();
    await record.goto(h.url('/demo/gp/record-9000000009.html'));
    const { openPanelFromRecord } = await import('../../scripts/lib/walkthrough');
    const panel = await openPanelFromRecord(h.browser, record);
    lastPage = panel;
    await (await panel.waitForSelector('[data-testid="choose-advice"]', { timeout: 20_000 }))!.click();
    await panel.waitForSelector('[data-testid="advice-compose"]', { timeout: 20_000 });
    expect(await panel.$$eval('input[name="advice-conversion"]', (els) => els.filter((e) => (e as HTMLInputElement).checked).length)).toBe(0);
    const before = await simAdvice();
    await panel.click('[data-testid="advice-send"]');
    await waitForText(panel, '[data-testid="advice-problems"]', 'Choose whether the provider may convert this request into a referral.');
    await expectAccessible(panel, 'advice problems');
    expect(await simAdvice()).toEqual(before);
    await record.close();
  });
});
