// The Referrals view rendered with 500 referrals across the four worklists in headless Chromium
// (the real component, store and CSS; the lists given to its store as the background would answer),
// timing each first render of a fresh store: sorting most urgent first and layout included.
import { median, type BenchLine } from './bench-content';
import { loadPanelScript } from './lib/panel-page';
import { launchChrome } from './lib/chromium';

export async function benchReferralsView(items = 500): Promise<BenchLine[]> {
  const script = `
        import { h, render } from 'preact';
        import { createPanelStore } from './entrypoints/sidepanel/store';
        import { referralsOf } from './entrypoints/sidepanel/referrals-store';
        import { ReferralsBody } from './entrypoints/sidepanel/screens/Referrals';
        const USER = '021600556514';
        const LISTS = ['LETTERS_OUTSTANDING', 'REJECTED_TRIAGE_RESPONSE', 'ASSESSMENT_RETURNED_CANCELLED_DNA', 'AWAITING_BOOKING'];
        const STATUS = { REJECTED_TRIAGE_RESPONSE: 'REJECTED', ASSESSMENT_RETURNED_CANCELLED_DNA: 'DID_NOT_ATTEND', AWAITING_BOOKING: 'NOT_BOOKED' };
        const lists = {};
        const fetchedAt = Date.now() - 180000;
        for (let i = 0; i < ${items}; i++) {
          const list = LISTS[i % 4];
          lists[list] ??= { items: [], ageMinutes: 3, fetchedAt };
          const day = String(1 + (i % 28)).padStart(2, '0');
          lists[list].items.push({
            ubrn: String(100000000000 + i), nhsNumber: String(9000000000 + i * 7919), priority: ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'][i % 3],
            created: '2026-11-' + day + 'T09:00:00Z', referrer: i % 5 ? USER : '021600556522', clinicalContext: 'CARDIOLOGY/HEART_FAILURE',
            letterDue: list === 'LETTERS_OUTSTANDING' ? '2026-12-' + day : undefined, status: STATUS[list],
            reason: list === 'REJECTED_TRIAGE_RESPONSE' ? 'FURTHER_INFORMATION_REQUIRED' : undefined, lastUpdated: '2026-11-' + day + 'T12:00:00Z',
          });
        }
        const answer = { signedIn: true, userId: USER, intervalMinutes: 15, lists };
        window.renderReferrals = async () => {
          // A fresh panel store (never connected: no background) whose lists are already read.
          const store = createPanelStore({});
          store.session.value = { state: 'active', flavour: 'platform', environment: 'simulator', userId: USER, ods: 'B86001', roles: [] };
          const referrals = referralsOf(store, async () => answer);
          while (!referrals.answer.peek()) await new Promise((r) => setTimeout(r, 1));
          referrals.scope.value = 'organisation';
          const root = document.createElement('div');
          document.body.appendChild(root);
          const t = performance.now();
          render(h(ReferralsBody, { store }), root);
          root.getBoundingClientRect(); document.body.offsetHeight; // layout included
          const ms = performance.now() - t;
          const shown = root.querySelectorAll('[data-ubrn]').length;
          render(null, root); root.remove();
          return { ms, shown };
        };`;
  const browser = await launchChrome({ extension: false });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 420, height: 900 }); // the side panel's size in the e2e suite
    await loadPanelScript(page, script);
    const times: number[] = [];
    for (let i = 0; i < 25; i++) {
      const { ms, shown } = await page.evaluate(() => (window as unknown as { renderReferrals(): Promise<{ ms: number; shown: number }> }).renderReferrals());
      if (shown !== items) throw new Error(`the view showed ${shown} of ${items} referrals`);
      times.push(ms);
    }
    return [{ name: `referrals_view_render_${items}_items_ms`, value: Number(median(times.slice(5)).toFixed(2)), unit: 'ms' }];
  } finally {
    await browser.close();
  }
}
