// `npm run bench`: every speed, size and safety figure the issues set goals for, as one JSON object
// per line ({"name","value","unit"}), also written to bench/results.json with the targets. Runs on
// the built extension (npm run bench builds first) in headless Chromium against a local simulator.
// Figures only: nothing here fails a build; the README's table is copied from these.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchBooking } from './bench-booking';
import { benchAdvice } from './bench-advice';
import { benchAskAdvice } from './bench-ask-advice';
import { benchClient } from './bench-client';
import { benchContent, CONTENT_SCRIPT_BUDGET_BYTES, type BenchLine } from './bench-content';
import { benchFaults } from './bench-faults';
import { benchLetter } from './bench-letter';
import { benchPanel } from './bench-panel';
import { benchReferralsView } from './bench-referrals';
import { benchRelay } from './bench-relay';
import { benchTracking } from './bench-tracking';
import { ROOT } from './lib/chromium';
import { CSS_BUDGET_GZIP_BYTES } from './lib/page-css';

/** Goals from the issues: value must be ≤ (or ≥ with `atLeast`) the target. */
const TARGETS: Record<string, { target: number; atLeast?: boolean; source: string }> = {
  content_script_bytes: { target: CONTENT_SCRIPT_BUDGET_BYTES, source: 'content script' },
  content_script_budget_headroom_bytes: { target: 0, atLeast: true, source: 'content script' },
  extraction_median_adapter_10k: { target: 2, source: 'content script' },
  extraction_median_generic_10k: { target: 2, source: 'content script' },
  reader_corpus_wrong_identity: { target: 0, source: 'patient identity' },
  churn_overhead_ratio: { target: 1.02, source: 'content script' },
  sidepanel_js_gzip_bytes: { target: 25 * 1024, source: 'layout: side panel start-up JS' },
  popup_js_gzip_bytes: { target: 12 * 1024, source: 'layout: popup JS' },
  sidepanel_css_gzip_bytes: { target: CSS_BUDGET_GZIP_BYTES.sidepanel, source: 'side panel CSS: nhsuk-frontend styles + panel.css' },
  popup_css_gzip_bytes: { target: CSS_BUDGET_GZIP_BYTES.popup, source: 'popup CSS: nhsuk-frontend styles + popup.css' },
  options_css_gzip_bytes: { target: CSS_BUDGET_GZIP_BYTES.options, source: 'options CSS: nhsuk-frontend styles' },
  panel_open_to_banner_median: { target: 150, source: 'side panel' },
  render_200_results_median: { target: 50, source: 'side panel' },
  routine_referral_user_actions: { target: 6, source: 'side panel' },
  routine_referral_typed_patient_fields: { target: 0, source: 'side panel' },
  http_requests_second_referral_A004: { target: 0, source: 'A004 from cache' },
  user_actions_refer_and_book: { target: 8, source: 'booking: record page to confirmation letter' },
  typed_patient_fields_refer_and_book: { target: 0, source: 'booking' },
  http_requests_refer_and_book: { target: 9, source: 'booking: create (A010 A011 A020 A005 A012 A019) + A015 A016 A019' },
  faults_duplicate_referrals: { target: 0, source: 'at most once' },
  faults_lost_letters: { target: 0, source: 'at most once' },
  faults_unresolved_without_user: { target: 0, source: 'at most once' },
  advice_faults_duplicate_requests: { target: 0, source: 'A&G sent at most once' },
  advice_faults_unresolved_without_user: { target: 0, source: 'A&G sent at most once' },
  user_actions_ask_advice: { target: 6, source: 'ask for advice from the record page' },
  ask_advice_typed_patient_fields: { target: 0, source: 'ask for advice from the record page' },
  letter_pdf_render_ms: { target: 300, source: 'letter composer: two-page letter' },
  relay_refresh_rps: { target: 190, atLeast: true, source: 'token relay: 200 refreshes/s sustained' },
  relay_refresh_p99_ms: { target: 50, source: 'token relay on loopback' },
  relay_errors: { target: 0, source: 'token relay under load' },
  worklist_requests_per_hour: { target: 4, source: 'tracking referrals: at most 4 per list per hour at the default interval' },
  referrals_view_render_500_items_ms: { target: 50, source: 'tracking referrals: the Referrals view with 500 items (median)' },
};

const lines: BenchLine[] = [];
const emit = (xs: BenchLine[], print = true) => {
  for (const l of xs) {
    if (print) console.log(JSON.stringify(l));
    lines.push(l);
  }
};

// benchContent prints its own lines as it goes.
emit(await benchContent({ churnSeconds: Number(process.env.CHURN_SECONDS ?? 10), rounds: Number(process.env.CHURN_ROUNDS ?? 4) }), false);
emit(await benchClient());
emit(await benchPanel());
emit(await benchBooking());
emit(await benchFaults());
emit(await benchLetter());
emit(await benchTracking());
emit(await benchReferralsView());
emit(await benchAdvice());
emit(await benchAskAdvice());
emit(await benchRelay({ seconds: Number(process.env.RELAY_BENCH_SECONDS ?? 30), rps: Number(process.env.RELAY_BENCH_RPS ?? 200) }));

const results = lines.map((l) => {
  const goal = TARGETS[l.name];
  return goal ? { ...l, target: goal.target, met: goal.atLeast ? l.value >= goal.target : l.value <= goal.target, goal: goal.source } : l;
});
mkdirSync(path.join(ROOT, 'bench'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), results }, null, 2)}\n`);
const missed = results.filter((r) => 'met' in r && !r.met).map((r) => r.name);
console.error(`\nbench/results.json written (${results.length} figures${missed.length ? `; goals missed: ${missed.join(', ')}` : '; every goal met'}).`);
