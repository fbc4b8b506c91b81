// The Referrals view's state: the referrer worklists as the background holds them (fetched on
// sign-in and by its alarm, at most once per list per interval; utils/tracking/background.ts), read
// again every minute while the panel is open so a refresh shows without a click, with the view's
// choices (mine or my organisation, one patient). Loaded with the view, never at panel start.
import { computed, effect, signal } from '@preact/signals';
import type { ReferrerWorklist } from 'ers-contract';
import { onBackgroundEvent, sendMessage } from '../../utils/messaging/client';
import { notOnLists } from '../../utils/tracking/converted';
import { lettersView, type LetterRow } from '../../utils/tracking/letters';
import type { WorklistsAnswer } from '../../utils/tracking/messages';
import { badgeCount, patientReferrals, rowsOf, sortByUrgency, type Lists, type Scope, type TrackedReferral } from '../../utils/tracking/worklists';
import type { PanelStore } from './store';

/** How often the panel re-reads the background's copy (no e-RS request: the background decides those). */
const REREAD_MS = 60_000;

const today = () => new Date().toISOString().slice(0, 10);

/** Reads the background's lists; `refresh` lets it fetch the lists that are due first. */
type Reader = (refresh: boolean) => Promise<WorklistsAnswer>;
const fromBackground: Reader = (refresh) => sendMessage('tracking/worklists', { refresh });

/** A referral acted on: one from a list, or one followed outside them (a converted A&G request). */
type ActedOn = Pick<TrackedReferral, 'ubrn'> & Partial<Pick<TrackedReferral, 'list'>>;

function createReferralsStore(store: PanelStore, read: Reader) {
  const answer = signal<WorklistsAnswer | undefined>(undefined);
  const problem = signal<string | undefined>(undefined);
  const loading = signal(false);
  // An administrator refers on behalf of clinicians, so their own list is empty (utils/tracking/worklists.ts isMine).
  const scope = signal<Scope>(store.isAdmin.peek() ? 'organisation' : 'mine');
  /** Only this patient's referrals (NHS number), when opened from the record's line. */
  const patient = signal<string | undefined>(undefined);

  const lists = computed<Lists>(() => {
    const out: Lists = {};
    for (const [list, shown] of Object.entries(answer.value?.lists ?? {})) out[list as ReferrerWorklist] = shown.items;
    return out;
  });
  const userId = computed(() => answer.value?.userId ?? '');
  /** This user's A&G requests converted into referrals that no list shows yet (utils/tracking/converted.ts). */
  const converted = computed(() => {
    const listed = new Set(Object.values(lists.value).flatMap((items) => items?.map((i) => i.ubrn) ?? []));
    return notOnLists(answer.value?.converted ?? [], listed);
  });
  /** A referral to open when the view shows (the A&G list's "Open in your referrals"). */
  const focus = signal<string | undefined>(undefined);
  const count = computed(() => badgeCount(lists.value, scope.value, userId.value) + converted.value.length);
  const rows = computed(() => {
    const all = sortByUrgency(rowsOf(lists.value, scope.value, userId.value), today());
    const only = patient.value;
    const byList: Partial<Record<ReferrerWorklist, TrackedReferral[]>> = {};
    // Acted on just now: off the lists at once, whatever the lists held when last read.
    const acted = new Map(recent.value.map((r) => [r.row.ubrn, r.what]));
    for (const r of all) {
      if (only && r.nhsNumber !== only) continue;
      const what = acted.get(r.ubrn);
      if (what === 'cancelled' || (what === 'booked' && r.list === 'AWAITING_BOOKING')) continue;
      byList[r.list] ??= [];
      byList[r.list]!.push(r);
    }
    return byList;
  });
  /** Letters outstanding: e-RS's list, with this browser's names and drafts (utils/tracking/letters.ts). */
  const letters = computed(() => {
    const shown = answer.value?.lists.LETTERS_OUTSTANDING;
    const remote = shown?.fetchedAt !== undefined ? { items: shown.items, fetchedAt: shown.fetchedAt } : undefined;
    return lettersView(remote, store.outstanding.value);
  });
  const letterRows = computed(() => new Map<string, LetterRow>(letters.value.rows.map((r) => [r.ubrn, r])));

  /**
   * Referrals acted on in this panel that e-RS confirmed (cancelled, booked): the background has
   * already taken them off its lists (utils/tracking/background.ts referralLeft), so they are said at
   * the top of the view instead, a booked one with its appointment, until another user signs in.
   */
  const recent = signal<{ row: ActedOn; what: 'cancelled' | 'booked' }[]>([]);
  async function left(row: ActedOn, what: 'cancelled' | 'booked') {
    recent.value = [{ row, what }, ...recent.value.filter((r) => r.row.ubrn !== row.ubrn)];
    await load(false); // the background's lists without it, at once
    void load(true); // then the lists it was on, fetched again
  }

  /** What the record says about the page's patient before a new referral is started. */
  const forPatient = (nhsNumber: string) => patientReferrals(lists.value, nhsNumber);

  let owner: string | undefined;
  async function load(refresh: boolean) {
    const who = store.session.peek()?.userId;
    loading.value = true;
    try {
      const next = await read(refresh);
      if (store.session.peek()?.userId !== who) return; // another user signed in meanwhile
      answer.value = next;
      problem.value = undefined;
    } catch (e) {
      problem.value = `The referral lists could not be read (${(e as Error).message}).`;
    } finally {
      loading.value = false;
    }
  }

  // Signed in as someone else (or a new role): nothing of the previous lists stays, then fetch.
  effect(() => {
    const s = store.session.value;
    const key = s?.state === 'active' ? `${s.userId}@${s.ods}` : undefined;
    if (key === owner) return;
    owner = key;
    answer.value = undefined;
    patient.value = undefined;
    recent.value = [];
    if (key) void load(true);
  });
  setInterval(() => {
    if (owner) void load(false);
  }, REREAD_MS);
  // An A&G request was just seen converted: it joins the view and its count without waiting a minute.
  onBackgroundEvent('advice/changed', () => {
    if (owner) void load(false);
  });

  return { answer, problem, loading, scope, patient, focus, lists, count, rows, converted, letterRows, forPatient, load, recent, left };
}

export type ReferralsStore = ReturnType<typeof createReferralsStore>;

const stores = new WeakMap<PanelStore, ReferralsStore>();

/** One per panel: the bar and the view share it. `read` is for benchmarks and tests (the first call decides). */
export function referralsOf(store: PanelStore, read: Reader = fromBackground): ReferralsStore {
  let r = stores.get(store);
  if (!r) {
    r = createReferralsStore(store, read);
    stores.set(store, r);
  }
  return r;
}
