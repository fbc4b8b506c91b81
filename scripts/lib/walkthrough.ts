// Drive a whole referral through the real extension UI, as a clinician would: from the record page
// (Refer) to the patient letter. Counts the user's actions and typed patient fields (none), takes
// screenshots at each step when asked, and reports each step. Shared by `npm run demo`, the
// end-to-end tests and `npm run bench`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { EXTENSION_ID } from './chromium';

export interface Stage {
  browser: Browser;
  /** Address of a page on the simulator that serves the demo clinical systems. */
  url(pathname: string): string;
  completeCis2Login(userId: string, timeout?: number): Promise<void>;
  /**
   * How Refer opens the panel page, when not Chrome's side panel (`openPanelFromRecord`): in Firefox
   * Refer opens `sidepanel.html?tabId=` in a popup window, which puppeteer finds by its location.
   */
  openPanel?(record: Page): Promise<Page>;
}

export interface ReferOptions {
  /** Demo page, e.g. `/demo/gp/record-9434765919.html`. */
  record: string;
  nhsNumber: string;
  specialty?: string;
  /** Refer to a Referral Assessment Service (triage) instead of a bookable service. */
  ras?: boolean;
  /** Path of a letter file to attach; omit with `letterToFollow`. */
  letterFile?: string;
  letterToFollow?: boolean;
  /** Write the letter in the panel ("Write letter") from the default template, typing this reason. */
  writeLetter?: { reason: string };
  /** Save screenshots of each step here. */
  screenshots?: string;
  /** The number of the first screenshot (the demo shoots the sign-in first). */
  firstShot?: number;
  log?: (line: string) => void;
  /** Leave the panel before submitting (for draft-restore and fault tests). */
  stopBefore?: 'submit';
}

export interface ReferResult {
  ubrn?: string;
  /** User actions: clicks, choices and file picks. */
  actions: number;
  /** Patient details the user typed: the point is that this stays 0. */
  typedPatientFields: number;
  steps: string[];
  record: Page;
  panel: Page;
  patientLetter?: Buffer;
  screenshots: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function panelUrlPrefix(): string {
  return `chrome-extension://${EXTENSION_ID}/sidepanel.html`;
}

/** Close any open side panel pages so the next Refer opens a fresh one. */
export async function closePanels(browser: Browser): Promise<void> {
  for (const t of browser.targets()) {
    if (t.url().startsWith(panelUrlPrefix())) await (await t.asPage())?.close().catch(() => undefined);
  }
}

async function clickElement(_page: Page, el: ElementHandle): Promise<void> {
  await el.scrollIntoView();
  await el.click();
}

/** Click the Refer button in its (closed) shadow root like a user: at its position on the page. */
export async function clickRefer(record: Page): Promise<void> {
  const host = await record.waitForSelector('ers-refer-button', { visible: true, timeout: 15_000 });
  await host!.scrollIntoView();
  const box = (await host!.boundingBox())!;
  await record.mouse.click(box.x + box.width / 2, box.y + Math.min(box.height / 2, 15));
}

/** The side panel as Chrome shows it by default: 360 px wide. */
export const PANEL_VIEWPORT = { width: 360, height: 720 };

/** Open the side panel from the record page's Refer button and return the panel page. */
export async function openPanelFromRecord(browser: Browser, record: Page): Promise<Page> {
  await closePanels(browser);
  const opened = browser.waitForTarget((t) => t.url().startsWith(panelUrlPrefix()), { timeout: 15_000 });
  await clickRefer(record);
  const panel = (await (await opened).asPage())!;
  await panel.setViewport({ width: 420, height: 900 });
  return panel;
}

export async function waitForText(page: Page, selector: string, text: string | RegExp, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    (sel, t, isRe) => {
      const content = (document.querySelector(sel) as HTMLElement | null)?.innerText ?? '';
      return isRe ? new RegExp(t).test(content) : content.includes(t);
    },
    { timeout },
    selector,
    text instanceof RegExp ? text.source : text,
    text instanceof RegExp,
  );
}

/** Sign in from the side panel: the mock CIS2 page (platform) and the role choice. */
export async function signInFromPanel(stage: Stage, panel: Page, userId: string, role?: string): Promise<void> {
  // By selector, not element handle: the header may render again meanwhile (a handle would be detached).
  await panel.waitForSelector('[data-testid="panel-sign-in"], [data-testid="panel-smartcard"]', { timeout: 15_000 });
  if (await panel.$('[data-testid="panel-smartcard"]')) {
    // Legacy flavour in the simulator: the test smartcard of this user (A001).
    const card = { '021600556514': 'adams', '021600556522': 'baker', '021600556530': 'cook' }[userId];
    await panel.select('[data-testid="panel-smartcard"]', card!);
  } else {
    await panel.click('[data-testid="panel-sign-in"]');
    await stage.completeCis2Login(userId);
  }
  const select = await panel.waitForSelector('[data-testid="role-select"]', { timeout: 20_000 });
  const options = await select!.$$eval('option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  await panel.select('[data-testid="role-select"]', role ?? options[0]!);
  await panel.waitForSelector('[data-testid="signed-in-as"]', { timeout: 20_000 });
}

export async function referFromRecord(stage: Stage, options: ReferOptions): Promise<ReferResult> {
  const { browser } = stage;
  const steps: string[] = [];
  const shots: string[] = [];
  let actions = 0;
  const log = options.log ?? (() => undefined);
  const record = await browser.newPage();
  await record.setViewport({ width: 1200, height: 850 });
  // The panel is shot as the user sees it: the real side-panel width, scrolled to the step shown.
  const shot = async (page: Page, name: string, show?: string) => {
    if (!options.screenshots) return;
    mkdirSync(options.screenshots, { recursive: true });
    const file = path.join(options.screenshots, `${String((options.firstShot ?? 1) + shots.length).padStart(2, '0')}-${name}.png`);
    if (show) await page.$eval(show, (e) => e.scrollIntoView({ block: 'center' })).catch(() => undefined);
    await page.screenshot({ path: file }).catch(() => undefined);
    shots.push(file);
  };
  const step = (line: string) => {
    steps.push(line);
    log(line);
  };
  const act = async (what: string, fn: () => Promise<unknown>) => {
    actions++;
    await fn();
    step(`${actions}. ${what}`);
  };

  await record.goto(stage.url(options.record));
  await record.waitForSelector('ers-refer-button', { visible: true, timeout: 15_000 });
  await shot(record, 'record-page');
  let panel!: Page;
  await act('Refer (on the record page)', async () => {
    panel = await (stage.openPanel ? stage.openPanel(record) : openPanelFromRecord(browser, record));
  });
  if (options.screenshots) await panel.setViewport(PANEL_VIEWPORT);
  const nhsFormatted = options.nhsNumber.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3');
  await waitForText(panel, '[data-testid="banner-nhs-number"]', nhsFormatted);
  step(`   panel shows ${nhsFormatted}`);

  const specialty = options.specialty ?? 'CARDIOLOGY';
  await panel.waitForSelector(`#specialty option[value="${specialty}"]`, { timeout: 20_000 });
  await shot(panel, 'panel-opened');
  if ((await panel.$eval('#specialty', (s) => (s as HTMLSelectElement).value)) !== specialty) {
    await act(`Choose specialty ${specialty}`, () => panel.select('#specialty', specialty));
  }
  await act('Search', () => panel.click('form[aria-labelledby="search-heading"] button[type="submit"]'));
  await panel.waitForSelector('.service', { timeout: 20_000 });
  await shot(panel, 'search-results', '.service');
  const services = await panel.$$('.service');
  let chosen: ElementHandle | undefined;
  for (const s of services) {
    const triage = await s.$eval('.service__facts', (e) => (e as HTMLElement).innerText.includes('Triage (RAS)'));
    if (triage === !!options.ras) {
      chosen = s;
      break;
    }
  }
  if (!chosen) throw new Error(`no ${options.ras ? 'triage' : 'bookable'} service in the results`);
  const serviceName = await chosen.$eval('.service__name', (e) => (e as HTMLElement).innerText);
  await act(`Add "${serviceName}" to the shortlist`, async () => clickElement(panel, (await chosen!.$('.service__add'))!));
  await panel.waitForSelector('[data-shortlist-id]');

  if (options.writeLetter) {
    const reason = options.writeLetter.reason;
    await act('Write letter', () => panel.click('[data-testid="write-letter"]'));
    await panel.waitForSelector('[data-testid="letter-composer"] textarea[data-section="reason"]');
    await act('Type the reason for referral', () => panel.type('[data-testid="letter-composer"] textarea[data-section="reason"]', reason));
    await shot(panel, 'letter-written', '[data-testid="letter-composer"]');
    await act('Add letter to referral', () => panel.click('[data-testid="letter-add"]'));
    await panel.waitForSelector('[data-file-name$=".pdf"]', { timeout: 15_000 });
  } else if (options.letterToFollow) {
    await act('Letter to follow', async () => clickElement(panel, (await panel.$('#letter-heading ~ label input[type="checkbox"]'))!));
  } else {
    const input = (await panel.waitForSelector('#letter-file')) as ElementHandle<HTMLInputElement>;
    await act(`Choose the letter file ${path.basename(options.letterFile!)}`, () => input.uploadFile(options.letterFile!));
    await panel.waitForSelector('[data-file-name]', { timeout: 10_000 });
  }
  if (options.stopBefore === 'submit') {
    await shot(panel, 'ready-to-submit', '[data-testid="submit"]');
    return { actions, typedPatientFields: 0, steps, record, panel, screenshots: shots };
  }

  await panel.waitForFunction(() => !(document.querySelector('[data-testid="submit"]') as HTMLButtonElement | null)?.disabled, { timeout: 10_000 });
  // "Check your answers" is the submit step itself: the answers are read above Submit, no extra click.
  await panel.waitForSelector('[data-testid="check-answers"]', { timeout: 10_000 });
  step('   check your answers shown above Submit');
  await shot(panel, 'check-your-answers', '[data-testid="check-answers"]');
  await act('Submit referral', () => panel.click('[data-testid="submit"]'));
  await panel.waitForSelector('[data-testid="done"], [data-testid="submit-error"], [data-testid="outcome-unknown"]', { timeout: 60_000 });
  if (!(await panel.$('[data-testid="done"]'))) {
    await shot(panel, 'submit-failed', '[data-testid="submit-error"], [data-testid="outcome-unknown"]');
    const why = await panel.$eval('main', (m) => (m as HTMLElement).innerText);
    throw new Error(`the referral did not complete: ${why.slice(0, 600)}`);
  }
  const ubrn = await panel.$eval('[data-testid="ubrn"]', (e) => e.getAttribute('data-ubrn') ?? '');
  step(`   UBRN ${ubrn}`);
  await shot(panel, 'done', '[data-testid="done"]');

  let patientLetter: Buffer | undefined;
  const letterLink = await panel.$('[data-testid="open-letter"]');
  if (letterLink) {
    const href = await letterLink.evaluate((a) => (a as HTMLAnchorElement).href);
    const opened = browser.waitForTarget((t) => t.url() === href, { timeout: 10_000 }).catch(() => undefined);
    await act('Open the patient letter to print', () => letterLink.click());
    patientLetter = await fetchBytes(panel, href);
    const tab = await opened;
    if (tab) {
      const page = await tab.asPage();
      await sleep(500);
      if (page) {
        await shot(page, 'patient-letter-tab');
        await page.close().catch(() => undefined);
      }
    }
    if (options.screenshots) {
      const file = path.join(options.screenshots, `patient-letter-${ubrn}.pdf`);
      writeFileSync(file, patientLetter);
      shots.push(file);
    }
  }
  return { ubrn, actions, typedPatientFields: 0, steps, record, panel, patientLetter, screenshots: shots };
}

/** The bytes behind `href` as the panel fetches them (a blob: or extension URL only the page can read). */
export async function fetchBytes(panel: Page, href: string): Promise<Buffer> {
  const base64 = await panel.evaluate(async (u) => {
    const bytes = new Uint8Array(await (await fetch(u)).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, href);
  return Buffer.from(base64, 'base64');
}

/** Click `selector`, finding it again if the panel rendered it anew between finding and clicking. */
export async function clickRendered(panel: Page, selector: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      return await panel.click(selector);
    } catch (error) {
      if (tries >= 5 || !/detached/i.test((error as Error).message)) throw error;
      await sleep(200);
    }
  }
}

/** Attach the letter of the first referral under "Letters outstanding", and wait for the done screen. */
export async function attachOutstandingLetter(panel: Page, letterFile: string): Promise<void> {
  // After Finish the panel passes from the no-draft screen to the patient's fresh draft, each with
  // its own lists: a button found on the first may be gone by the click.
  await clickRendered(panel, '[data-testid="outstanding"] button');
  // The add-letter screen's own input (the patient's fresh draft below has one too, until it is replaced).
  await panel.waitForSelector('[data-testid="attach-outstanding"]');
  const input = (await panel.waitForSelector('#letter-file')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(letterFile);
  await panel.waitForSelector('[data-file-name]');
  await panel.click('[data-testid="attach-outstanding"]');
  await panel.waitForSelector('[data-testid="done"]', { timeout: 30_000 });
}
