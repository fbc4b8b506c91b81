// Advice and Guidance in real Chromium against the simulator: ask for advice from a demo record
// page (Refer, then "Ask for advice"), the simulated provider replies (admin endpoint), the badge
// appears, the conversation opens with the attached file (A042) and the overview PDF (A043).
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { examplePath } from 'ers-contract/files';
import { askAdviceFromRecord } from '../../scripts/lib/advice-walkthrough';
import { waitForText } from '../../scripts/lib/walkthrough';
import { expectAccessible } from '../helpers/axe';
import { startSignedInHarness, type Harness } from './harness';

const FILE = examplePath('platform/A019_response_000000070000_Appointment_Confirmation_Summary_20210603121353.pdf');
const QUESTION = 'Palpitations for three weeks, normal ECG at the practice. Is a 24-hour tape needed before any referral?';
const REPLY = 'No tape needed yet: start bisoprolol 1.25 mg and review in four weeks.';

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
  const href = await panel.$eval(selector, (a) => (a as HTMLAnchorElement).href);
  const base64 = await panel.evaluate(async (u) => {
    const bytes = new Uint8Array(await (await fetch(u)).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, href);
  return Buffer.from(base64, 'base64');
}

beforeAll(async () => {
  h = await startSignedInHarness();
});
afterAll(async () => {
  await h?.close();
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && lastPage) await h.screenshot(lastPage, `advice-${ctx.task.name}`);
});

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

    await provider(asked.ubrn, 'respond', { text: REPLY, outcome: 'advice' });
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

    // The file sent with the question, downloaded from e-RS (A042).
    await panel.click('[data-testid="advice-attachment"]');
    await panel.waitForSelector('[data-testid="advice-attachment-link"]', { timeout: 20_000 });
    expect(await panel.$eval('[data-testid="advice-attachment-link"]', (a) => a.getAttribute('download'))).toBe(path.basename(FILE));
    expect((await bytesOf(panel, '[data-testid="advice-attachment-link"]')).subarray(0, 5).toString()).toBe('%PDF-');

    // The overview PDF for the record (A043).
    await panel.click('[data-testid="advice-pdf"]');
    await panel.waitForSelector('[data-testid="advice-pdf-link"]', { timeout: 20_000 });
    const pdf = await bytesOf(panel, '[data-testid="advice-pdf-link"]');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await panel.$eval('[data-testid="advice-pdf-link"]', (a) => a.getAttribute('download'))).toMatch(
      new RegExp(`^${asked.ubrn}_Advice_And_Guidance.*\\.pdf$`),
    );
  });

  it('a request the provider converts says it is now a referral, followed with the referrals', async () => {
    const asked = await askAdviceFromRecord(h, {
      record: '/demo/gp/record-4857773457.html',
      nhsNumber: '4857773457',
      question: QUESTION,
      conversion: 'AUTHORISED_TO_CONVERT',
    });
    lastPage = asked.panel;
    await provider(asked.ubrn, 'convert', {});
    await asked.panel.click('[data-testid="advice-check"]');
    await waitForText(asked.panel, `li[data-ubrn="${asked.ubrn}"]`, 'Converted into a referral');
    await waitForText(asked.panel, `li[data-ubrn="${asked.ubrn}"]`, 'followed with your referrals');
    expect(h.sim.referrals().filter((r) => r.ubrn === asked.ubrn)).toHaveLength(1);
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
