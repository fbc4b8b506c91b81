// The Referrals view: the four referrer worklists (letters outstanding, rejected or returned by
// triage, returned/cancelled/did not attend, awaiting booking), "mine" or "my organisation", most
// urgent first, each list with the age of its copy. Each referral opens what can be done with it now
// (components/ReferralItem.tsx). Loaded when first shown (App.tsx); the open draft waits behind it.
import type { ReferrerWorklist } from 'ers-contract';
import { formatNhsNumber } from 'ers-contract/nhs-number';
import type { ShownList } from '../../../utils/tracking/refresh';
import { rowView, type TrackedReferral } from '../../../utils/tracking/worklists';
import { ReferralItem, words } from '../components/ReferralItem';
export { ReferralsBar } from '../components/ReferralsBar';
import { referralsOf, type ReferralsStore } from '../referrals-store';
import type { PanelStore } from '../store';
import { useEffect, useState } from 'preact/hooks';
import { ErrorSummary } from '../components/ErrorSummary';

const LISTS: { list: ReferrerWorklist; title: string }[] = [
  { list: 'REJECTED_TRIAGE_RESPONSE', title: 'Rejected or returned by triage' },
  { list: 'LETTERS_OUTSTANDING', title: 'Letters outstanding' },
  { list: 'ASSESSMENT_RETURNED_CANCELLED_DNA', title: 'Returned, cancelled or did not attend' },
  { list: 'AWAITING_BOOKING', title: 'Awaiting booking' },
];

// One formatter for every row: toLocaleDateString builds a new one on each call, too slow for 500 rows.
const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });
const date = (iso?: string) => (iso ? DATE.format(new Date(`${iso.slice(0, 10)}T12:00:00Z`)) : 'not given');

/** How old a list's copy is, and why it was not read again (plain English). */
export function ageText(shown: ShownList | undefined, signedIn: boolean): string {
  if (!shown || shown.ageMinutes === undefined) return shown?.error ? `Not read from e-RS yet: ${shown.error}` : 'Not read from e-RS yet.';
  const age = shown.ageMinutes < 1 ? 'less than a minute ago' : `${shown.ageMinutes} minute${shown.ageMinutes === 1 ? '' : 's'} ago`;
  if (!signedIn) return `Signed out: this is the copy from ${age}; it may be out of date.`;
  return shown.error ? `e-RS could not be read (${shown.error}); this is the copy from ${age}.` : `Updated ${age}.`;
}

export function ReferralsBody({ store }: { store: PanelStore }) {
  const referrals = referralsOf(store);
  const answer = referrals.answer.value;
  const only = referrals.patient.value;
  const rows = referrals.rows.value;
  // A referral asked for by name is opened once, when the view first shows.
  useEffect(
    () => () => {
      referrals.focus.value = undefined;
    },
    [referrals],
  );
  return (
    <section class="referrals" aria-labelledby="referrals-heading" data-testid="referrals">
      <button type="button" class="nhs-link-button" onClick={() => store.actions.showReferrals(false)}>
        Back
      </button>
      <h2 id="referrals-heading">Your referrals</h2>
      <fieldset class="nhs-fieldset radios">
        <legend class="nhs-label">Show</legend>
        <label class="radio">
          <input type="radio" name="scope" checked={referrals.scope.value === 'mine'} onChange={() => (referrals.scope.value = 'mine')} />
          Mine (referrals where e-RS names you as the referring clinician)
        </label>
        <label class="radio">
          <input
            type="radio"
            name="scope"
            data-testid="scope-organisation"
            checked={referrals.scope.value === 'organisation'}
            onChange={() => (referrals.scope.value = 'organisation')}
          />
          My organisation (everyone&rsquo;s referrals at {store.session.value?.orgName ?? store.session.value?.ods})
        </label>
      </fieldset>
      {only && (
        <p class="nhs-inset" data-testid="referrals-patient">
          Only the referrals for NHS number {formatNhsNumber(only)}.{' '}
          <button type="button" class="nhs-link-button" onClick={() => (referrals.patient.value = undefined)}>
            Show every patient
          </button>
        </p>
      )}
      <p class="nhs-hint">
        e-RS is asked for these lists when you sign in and every {answer?.intervalMinutes ?? 15} minutes while you are signed in.{' '}
        <button type="button" class="nhs-link-button" disabled={referrals.loading.value} onClick={() => void referrals.load(true)}>
          Check for changes
        </button>
      </p>
      {referrals.problem.value && <ErrorSummary problems={[referrals.problem.value]} />}
      <Recent store={store} referrals={referrals} />
      {!answer && !referrals.problem.value && <p role="status">Reading your referrals…</p>}
      {answer && <Converted store={store} referrals={referrals} />}
      {answer &&
        LISTS.map(({ list, title }) => (
          <WorkList
            key={list}
            list={list}
            title={title}
            rows={rows[list] ?? []}
            shown={answer.lists[list]}
            signedIn={answer.signedIn}
            store={store}
            referrals={referrals}
          />
        ))}
    </section>
  );
}

/** Referrals cancelled or booked from here just now: off the lists, said here (a booked one with its appointment). */
function Recent({ store, referrals }: { store: PanelStore; referrals: ReferralsStore }) {
  const recent = referrals.recent.value;
  if (recent.length === 0) return null;
  const listed = new Set(Object.values(referrals.rows.value).flatMap((rows) => rows.map((r) => r.ubrn)));
  return (
    <section aria-labelledby="recent-heading" data-testid="referrals-recent">
      <h3 id="recent-heading">Just now</h3>
      <ul class="nhs-list-plain">
        {recent.map(({ row, what }) => {
          const ubrn = row.ubrn;
          return (
            <li key={row.ubrn} class="referral" data-ubrn={row.ubrn} data-recent={what}>
              <p role="status">
                {what === 'cancelled'
                  ? `Referral ${ubrn} was cancelled. It is no longer on your lists.`
                  : `An appointment was booked for referral ${ubrn}. It is no longer awaiting booking.`}
              </p>
              {what === 'booked' && !listed.has(row.ubrn) && <ReferralItem row={row} needsResponseRead={false} store={store} referrals={referrals} booking />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * This user's A&G requests the provider converted into referrals, until a worklist shows them: the
 * new referral waits at the provider, on none of the lists (utils/tracking/converted.ts).
 */
function Converted({ store, referrals }: { store: PanelStore; referrals: ReferralsStore }) {
  const only = referrals.patient.value;
  const rows = referrals.converted.value.filter((c) => !only || c.nhsNumber === only);
  const [open, setOpen] = useState<string | undefined>(referrals.focus.peek());
  if (rows.length === 0) return null;
  return (
    <section class="worklist" aria-labelledby="list-converted" data-list="ADVICE_CONVERTED">
      <h3 id="list-converted">Converted from your advice requests ({rows.length})</h3>
      <p class="nhs-hint">The provider turned these requests for advice into referrals with the same UBRN. They are with the provider.</p>
      <ul class="nhs-list-plain">
        {rows.map((c) => (
          <li key={c.ubrn} class="referral" data-ubrn={c.ubrn}>
            <strong>{c.displayName}</strong> <span class="nhs-hint">NHS number {formatNhsNumber(c.nhsNumber)}</span>
            <span class="nhs-hint referral__line">
              {c.service ? `${c.service} · ` : ''}UBRN {c.ubrn}
            </span>
            <span class="referral__line">Converted to a referral by the provider</span>
            <OpenToggle ubrn={c.ubrn} open={open} setOpen={setOpen} />
            {open === c.ubrn && <ReferralItem row={c} needsResponseRead={false} store={store} referrals={referrals} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Open or close one referral's row (what can be done with it). */
function OpenToggle({ ubrn, open, setOpen }: { ubrn: string; open?: string; setOpen(ubrn: string | undefined): void }) {
  const shown = open === ubrn;
  return (
    <button
      type="button"
      class="nhs-link-button"
      aria-expanded={shown}
      aria-label={`${shown ? 'Close' : 'Open'} referral ${ubrn}`}
      onClick={() => setOpen(shown ? undefined : ubrn)}
    >
      {shown ? 'Close' : 'Open'}
    </button>
  );
}

function WorkList(props: {
  list: ReferrerWorklist;
  title: string;
  rows: TrackedReferral[];
  shown?: ShownList;
  signedIn: boolean;
  store: PanelStore;
  referrals: ReferralsStore;
}) {
  const { list, title, rows, shown, signedIn, store, referrals } = props;
  const focus = referrals.focus.peek();
  const [open, setOpen] = useState<string | undefined>(rows.some((r) => r.ubrn === focus) ? focus : undefined);
  const today = new Date().toISOString().slice(0, 10);
  const letters = referrals.letterRows.value;
  return (
    <section class="worklist" aria-labelledby={`list-${list}`} data-list={list}>
      <h3 id={`list-${list}`}>
        {title} ({rows.length})
      </h3>
      <p class="nhs-hint" data-testid="list-age">
        {ageText(shown, signedIn)}
      </p>
      {rows.length === 0 ? (
        <p class="nhs-hint">None.</p>
      ) : (
        <ul class="nhs-list-plain">
          {rows.map((r) => {
            const v = rowView(r, today, words);
            const name = letters.get(r.ubrn)?.displayName;
            const key = `${list}:${r.ubrn}`;
            return (
              <li key={key} class={`referral ${v.overdue ? 'outstanding--overdue' : ''}`} data-ubrn={r.ubrn}>
                <strong>{name ?? (v.nhsNumber ? `NHS number ${formatNhsNumber(v.nhsNumber)}` : 'Patient not given')}</strong>{' '}
                <span class={`nhs-tag ${r.priority === 'ROUTINE' ? 'nhs-tag--blue' : 'nhs-tag--red'}`}>{v.priority}</span>
                <span class="nhs-hint referral__line">
                  {v.context ? `${v.context} · ` : ''}Created {date(v.created)} · UBRN {v.ubrn}
                </span>
                <span class={`referral__line ${v.overdue ? 'nhs-error-message' : ''}`}>{v.detail}</span>
                <OpenToggle ubrn={r.ubrn} open={open} setOpen={setOpen} />
                {open === r.ubrn && <ReferralItem row={r} needsResponseRead={v.needsResponseRead} store={store} referrals={referrals} />}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
