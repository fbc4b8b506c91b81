// The side panel's state as signals, and the named actions that change it. Screens read the
// signals and call the actions; nothing here renders. The panel keeps no state of its own that
// matters: the draft lives in IndexedDB (written on every change, so nothing is lost when the
// panel closes or the session ends) and the submission is driven by the background.
//
// The panel shows only the signed-in user's drafts and letters (`panelOwner`). When the session
// ends or pauses it clears everything patient-related from the screen at once; when the same user
// is back it reopens the draft that was open, or says why it is gone.
import { batch, computed, effect, signal } from '@preact/signals';
import type { ServiceSummary } from '../../utils/ers/index';
import { identityDifferences } from '../../utils/patient/identity';
import type { PatientContextReport } from '../../utils/patient/types';
import { draftPatientFrom, shortlistRefusal } from '../../utils/referral/format';
import { IN_FLIGHT, draftId, isSubmitted, newDraft, type Draft } from '../../utils/referral/model';
import { panelOwner, type PanelApi, type PanelSession, type ReconcileAction, type ReferenceData } from '../../utils/referral/panel-api';
import {
  deleteDraft,
  fileKey,
  setAsideSent,
  getBlob,
  getOwnDraft,
  listDrafts,
  listOutstanding,
  patientLetterKey,
  purgeExpired,
  putBlob,
  putDraft,
  updateDraft,
  type OutstandingLetter,
} from '../../utils/referral/store';
import type { FieldProblem } from '../../utils/referral/search-checks';
import { resumeBlocker, submitBlocker } from '../../utils/referral/submit';
import { orderedCriteria } from './components/SearchForm';
import { acceptFilesFor } from './file-checks';

type Preferences = Awaited<ReturnType<PanelApi['preferences']>>;

/** Which screen the shell shows; a new feature adds its name here and a case in `screen`. */
export type ScreenName = 'signed-out' | 'no-draft' | 'draft' | 'outcome-unknown' | 'done' | 'add-letter' | 'letter' | 'referrals' | 'advice';

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unknown';
  }
}

const message = (e: unknown) => (e as Error).message;

export function createPanelStore(api: PanelApi) {
  const session = signal<PanelSession | undefined>(undefined);
  const report = signal<PatientContextReport | undefined>(undefined);
  const tabId = signal<number | undefined>(undefined);
  const draft = signal<Draft | undefined>(undefined);
  const reference = signal<ReferenceData | undefined>(undefined);
  const results = signal<ServiceSummary[] | undefined>(undefined);
  const searching = signal(false);
  const submitting = signal(false);
  const error = signal<string | undefined>(undefined);
  /** What is wrong with the search, on its fields (utils/referral/search-checks.ts). */
  const searchProblems = signal<FieldProblem[]>([]);
  const fileProblems = signal<string[]>([]);
  const drafts = signal<Draft[]>([]);
  const outstanding = signal<OutstandingLetter[]>([]);
  const letterUrl = signal<string | undefined>(undefined);
  const prefs = signal<Preferences | undefined>(undefined);
  const notice = signal<string | undefined>(undefined);
  /** The Referrals view is open (screens/Referrals.tsx); the open draft stays as it was behind it. */
  const referrals = signal(false);
  /** Refer or ask for advice (components/RequestChoice.tsx starts it from the settings). */
  const kind = signal<'refer' | 'advice'>('refer');
  /** Drafts whose patient the user confirmed in this panel (asked when the read was not certain). */
  const confirmed = signal<string[]>([]);
  /** Whose drafts are on screen now (owner key), and the draft that was open when the session ended. */
  let owner: string | undefined;
  let lastOpen: { owner: string; id: string } | undefined;

  const shownNhs = computed(() => (report.value?.status === 'single' ? report.value.patient?.nhsNumber : undefined));
  const signedIn = computed(() => session.value?.state === 'active');
  const isAdmin = computed(() => session.value?.businessFunction === 'REFERRING_CLINICIAN_ADMIN');
  // Once the session is known to be over, the page's patient is not shown either.
  const showPatient = computed(() => !session.value || !!panelOwner(session.value));
  // Shown, never written here: the background's lock, or a draft whose patient the page is not showing.
  const lockReason = computed(() => {
    const d = draft.value;
    const r = report.value;
    if (!d || isSubmitted(d)) return undefined;
    if (d.lockedReason) return d.lockedReason;
    if (r?.status !== 'single' || !r.patient || !identityDifferences(d.patient, r.patient).length) return undefined;
    return `The clinical system now shows a different patient. This draft is for ${d.patient.displayName} and is locked: it cannot be submitted until their record is open again.`;
  });
  const locked = computed(() => !!lockReason.value);
  // Unless NHS number, name and date of birth were read together from one place on the page
  // (confidence 1), the user confirms the patient once before anything is searched or sent.
  const unsure = computed(() => {
    const d = draft.value;
    const r = report.value;
    return (
      !!d &&
      r?.status === 'single' &&
      !!r.patient &&
      r.patient.nhsNumber === d.patient.nhsNumber &&
      r.confidence < 1 &&
      !isSubmitted(d) &&
      !confirmed.value.includes(d.id)
    );
  });
  const editable = computed(() => {
    const d = draft.value;
    return !!d && signedIn.value && !locked.value && !unsure.value && !isSubmitted(d) && d.submission.phase !== 'ready';
  });
  const blocker = computed(() => {
    const d = draft.value;
    if (!d) return undefined;
    const b = lockReason.value ?? submitBlocker(d, shownNhs.value);
    if (b) return b;
    if (isAdmin.value && !/^\d{12}$/.test(d.referringClinician ?? '')) return 'Name the referring clinician (12-digit SDS user ID).';
    if (!signedIn.value) return 'Sign in to e-RS to submit.';
    return undefined;
  });
  const writing = signal<string | undefined>(undefined);
  const screen = computed<ScreenName>(() => {
    const d = draft.value;
    if (session.value && !panelOwner(session.value)) return 'signed-out';
    if (referrals.value) return 'referrals';
    if (d?.addingLetter) return 'add-letter';
    if (d?.submission.phase === 'complete') return 'done';
    if (d?.submission.phase === 'outcome-unknown') return 'outcome-unknown';
    // Asking for advice replaces only the referral being written, never a referral's outcome.
    if (kind.value === 'advice') return 'advice';
    if (!d) return 'no-draft';
    // The letter composer, for the draft it was opened for only (never another patient's).
    return writing.value === d.id ? 'letter' : 'draft';
  });

  /** The open draft's edits not yet written, and the chain that writes them one after another. */
  let unsavedEdits = 0;
  let writes: Promise<unknown> = Promise.resolve();

  async function refreshLists() {
    const o = owner;
    drafts.value = o ? await listDrafts(o) : [];
    outstanding.value = o ? await listOutstanding(o) : [];
  }

  /**
   * Put a draft that was read or written asynchronously on screen, unless the session changed while
   * that was in flight (sign-out, pause, another user): the previous user's draft never comes back.
   */
  function show(forOwner: string | undefined, next: Draft | undefined) {
    if (owner !== forOwner || (next && next.owner !== forOwner)) return;
    draft.value = next;
  }

  /** Re-read the open draft from IndexedDB after the background moved it on. */
  async function reread(id: string) {
    const o = owner;
    const stored = await getOwnDraft(o, id);
    // While the user's own edits are still being written, the screen keeps them: the last write
    // re-reads the stored draft (with whatever the background changed) and shows that instead.
    if (unsavedEdits === 0) show(o, stored);
  }

  /** Show the draft for this patient on this host: restored if one exists, else a new one. */
  /**
   * Counts the user's moves between drafts (open one, add a letter to another, finish). Opening the
   * page's draft takes a few reads; if the user has moved on meanwhile, the late result is dropped
   * instead of pulling the panel back to it.
   */
  let moves = 0;

  async function openFor(r: PatientContextReport, knownPrefs?: Preferences) {
    const o = owner;
    const move = ++moves;
    if (r.status !== 'single' || !r.patient || !o) return;
    const host = originOf(r.source.url);
    const existing = await getOwnDraft(o, draftId(o, host, r.patient.nhsNumber));
    let next = existing;
    if (!next) {
      const p = knownPrefs ?? prefs.peek() ?? (await api.preferences());
      const now = Date.now();
      next = newDraft({
        owner: o,
        hostOrigin: host,
        sourceUrl: r.source.url,
        patient: draftPatientFrom(r.patient),
        ttlMs: p.draftTtlMs,
        now,
        search: {
          criteria: orderedCriteria({
            priority: (p.defaultPriority as Draft['search']['criteria']['priority']) ?? 'ROUTINE',
            specialty: p.defaultSpecialty,
            ageAndGenderAppropriate: true,
          }),
        },
      });
      await putDraft(next);
    } else if (!isSubmitted(next) && identityDifferences(next.patient, r.patient).length) {
      // Refer was pressed on a page showing this NHS number with other details than the draft
      // has: the user chose the patient shown now, so the draft takes the page's identity. Its lock
      // is the background's (it re-binds the tab on Refer and clears the lock for this patient).
      const patient = draftPatientFrom(r.patient);
      next = await updateDraft(next.id, (d) => {
        d.patient = patient;
        d.sourceUrl = r.source.url;
      });
    }
    if (owner !== o || move !== moves) return; // signed out, another user, or the user went elsewhere
    batch(() => {
      results.value = undefined;
      searchProblems.value = [];
      draft.value = next;
    });
    await refreshLists();
  }

  /**
   * Change the open draft: shown at once, written to IndexedDB in order. A field being typed into
   * keeps every keystroke: an earlier write finishing never puts an older value back on screen,
   * only the last one shows the stored draft.
   */
  async function change(mutate: (d: Draft) => void) {
    const current = draft.peek();
    if (!current) return;
    const o = owner;
    const edited = structuredClone(current);
    mutate(edited);
    draft.value = edited;
    unsavedEdits++;
    const write = writes.then(() =>
      updateDraft(current.id, (d) => {
        mutate(d);
        d.updatedAt = Date.now();
      }),
    );
    writes = write.catch(() => undefined);
    try {
      const saved = await write;
      if (unsavedEdits === 1) show(o, saved);
    } catch (e) {
      // Not written (the draft was sent, locked or removed meanwhile): show what is stored and say so.
      error.value = message(e);
      if (unsavedEdits === 1) show(o, await getOwnDraft(o, current.id));
    } finally {
      unsavedEdits--;
    }
  }

  /** Run a background request for the open draft with the busy flag, then re-read the draft. */
  async function busyWith(id: string, run: () => Promise<void>, clearError: boolean) {
    submitting.value = true;
    if (clearError) error.value = undefined;
    try {
      await run();
    } catch (e) {
      error.value = message(e);
    } finally {
      submitting.value = false;
      await reread(id);
    }
  }

  // Start: the page's patient first (the banner paints from it at once), then session,
  // preferences and the draft; housekeeping and reference data after that.
  async function start() {
    try {
      const sessionAsked = api.session();
      const prefsAsked = api.preferences();
      const ctx = await api.patientContext();
      batch(() => {
        tabId.value = ctx.tabId;
        report.value = ctx.report;
      });
      const [s, p] = await Promise.all([sessionAsked, prefsAsked]);
      owner = panelOwner(s);
      batch(() => {
        session.value = s;
        prefs.value = p;
      });
      if (ctx.report) await openFor(ctx.report, p);
      await refreshLists();
      if (s.state === 'active') reference.value = await api.referenceData();
      if ((await purgeExpired()).length) await refreshLists();
    } catch (e) {
      error.value = message(e);
    }
  }

  // Sign-out, pause or another user: nothing of the previous user's stays on screen. The same user
  // back: their draft again, or why it is gone.
  async function sessionChanged() {
    const s = await api.session();
    const next = panelOwner(s);
    const previous = owner;
    session.value = s;
    if (next !== previous) {
      const open = draft.peek();
      if (previous && open) lastOpen = { owner: previous, id: open.id };
      owner = next;
      batch(() => {
        draft.value = undefined;
        results.value = undefined;
        letterUrl.value = undefined;
        fileProblems.value = [];
        error.value = undefined;
        notice.value = undefined;
        drafts.value = [];
        outstanding.value = [];
      });
      if (next) {
        const last = lastOpen;
        lastOpen = undefined;
        const again = last?.owner === next ? await getOwnDraft(next, last.id) : undefined;
        if (again) draft.value = again;
        else {
          if (last?.owner === next)
            notice.value =
              'The draft you had open was removed when you signed out: drafts that had not been sent are not kept after sign-out. Nothing was sent to e-RS.';
          const ctx = await api.patientContext().catch(() => ({ report: undefined }));
          if (ctx.report) {
            report.value = ctx.report;
            await openFor(ctx.report);
          }
        }
        await refreshLists();
      }
    } else if (next) await refreshLists();
    if (s.state === 'active' && !reference.peek()) reference.value = await api.referenceData().catch(() => undefined);
  }

  // The host page's patient changed. The lock itself is the background's (it writes the draft's
  // `lockedReason` and says so with the draft-changed event); until then, and for a draft the tab was
  // never bound to, `lockReason` shows the mismatch from the page at once.
  function patientChanged(next: PatientContextReport | undefined) {
    report.value = next;
  }

  // The background moved a submission on: re-read it from IndexedDB.
  async function draftChanged(id: string) {
    if (draft.peek()?.id === id) await reread(id);
    await refreshLists();
  }

  const openDraftId = computed(() => draft.value?.id);
  const letterKey = computed(() => {
    const d = draft.value;
    return d?.submission.phase === 'complete' && d.submission.patientLetter ? d.id : undefined;
  });

  /** Listen to the background and start loading; returns the function that stops listening. */
  function connect(): () => void {
    void start();
    const stops = [
      api.onSessionChanged(() => void sessionChanged()),
      api.onPatientContext((r) => patientChanged(r)),
      api.onDraftChanged((id) => void draftChanged(id)),
      // Resume a submission left in flight when this draft is opened: only when the resume checks
      // pass here (the background checks again against this tab).
      effect(() => {
        if (!openDraftId.value) return;
        const d = draft.peek()!;
        if (IN_FLIGHT.includes(d.submission.phase) && !d.submission.error && !lockReason.peek() && !resumeBlocker(d, shownNhs.peek())) {
          void api.resume(d.id, tabId.peek()).catch(() => undefined);
        }
      }),
      // Patient letter as an object URL for printing.
      effect(() => {
        const id = letterKey.value;
        let url: string | undefined;
        if (id) {
          // A letter that cannot be read leaves the done screen saying it is not available.
          void getBlob(patientLetterKey(id))
            .then((blob) => {
              if (blob) {
                url = URL.createObjectURL(blob);
                letterUrl.value = url;
              }
            })
            .catch(() => undefined);
        } else letterUrl.value = undefined;
        return () => {
          if (url) URL.revokeObjectURL(url);
        };
      }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }

  const actions = {
    connect,
    openFor,
    change,
    refreshLists,
    /** The header changed the session (signed in, chose a role): show it. */
    refreshSession: () => void api.session().then((s) => (session.value = s)),
    showReferrals(open: boolean) {
      referrals.value = open;
    },
    showError(text: string) {
      error.value = text;
    },
    /** Open the letter composer for this draft (undefined: close it). */
    writeLetter(draftId?: string) {
      writing.value = draftId;
    },
    confirmPatient(id: string) {
      confirmed.value = [...confirmed.value, id];
    },
    async search() {
      const d = draft.peek();
      const ref = reference.peek();
      if (!d || !ref) return;
      searching.value = true;
      error.value = undefined;
      // The form's checks load with the first search, so the panel starts without them.
      const checks = import('../../utils/referral/search-checks');
      try {
        searchProblems.value = (await checks).searchFieldProblems(d.search.criteria);
        if (searchProblems.value.length) return;
        const criteria = orderedCriteria(d.search.criteria);
        const result = await api.search({
          nhsNumber: d.patient.nhsNumber,
          criteria,
          sortBy: d.search.sortBy,
          requestType: d.search.requestType,
          referringClinician: isAdmin.peek() ? d.referringClinician : undefined,
          specialtySystem: ref.specialtySystem,
        });
        results.value = result.services;
        // A shortlist must embed the criteria its services were found with: a new search starts a new one.
        const sameCriteria = JSON.stringify(result.criteria) === JSON.stringify(d.criteriaResource);
        await change((x) => {
          x.criteriaResource = result.criteria;
          if (!sameCriteria) x.shortlist = [];
        });
        void api.rememberSearch({ priority: criteria.priority, specialty: criteria.specialty });
      } catch (e) {
        const refused = (await checks.catch(() => undefined))?.searchRefusal(e as Error) ?? message(e);
        if (typeof refused === 'string') error.value = refused;
        else searchProblems.value = refused;
      } finally {
        searching.value = false;
      }
    },
    addToShortlist(s: ServiceSummary) {
      void change((d) => {
        if (!shortlistRefusal(d.shortlist, s)) d.shortlist = [...d.shortlist, s];
      });
    },
    async addFiles(files: { blob: Blob; name: string }[]) {
      const accepted = await acceptFilesFor(
        () => draft.peek(),
        files,
        async (d, f): Promise<Draft['files'][number]> => {
          const id = crypto.randomUUID();
          await putBlob(fileKey(d.id, id), d.id, f.blob);
          return { id, name: f.name, contentType: f.contentType, size: f.blob.size, note: f.note };
        },
      );
      if (!accepted) return;
      if ('failed' in accepted) {
        error.value = accepted.failed;
        return;
      }
      const { added, problems } = accepted;
      fileProblems.value = problems;
      if (added.length)
        await change((x) => {
          x.files = [...x.files, ...added];
        });
    },
    removeFile(id: string) {
      void change((d) => {
        d.files = d.files.filter((f) => f.id !== id);
      });
    },
    submit() {
      const d = draft.peek();
      if (d) void busyWith(d.id, () => api.submit(d.id, tabId.peek()), true);
    },
    retry(id: string) {
      void api.resume(id, tabId.peek()).catch((e: Error) => {
        error.value = e.message;
      });
    },
    reconcile(id: string, action: ReconcileAction) {
      void busyWith(id, () => api.reconcile(id, action), true);
    },
    /** Attach the letter of a referral sent with "letter to follow". */
    completeLetter(id: string) {
      void busyWith(id, () => api.completeLetter(id), false);
    },
    async completeOutstanding(letter: OutstandingLetter) {
      moves++;
      const o = owner;
      const d = await getOwnDraft(o, letter.draftId);
      if (!d) {
        error.value = 'The draft for this referral is no longer in this browser. Attach the letter in e-RS.';
        return;
      }
      // Reuse the draft's own submission: back to "attach", then the background uploads and links it.
      results.value = undefined;
      show(
        o,
        await updateDraft(d.id, (x) => {
          x.letterMode = 'attach';
          x.addingLetter = true;
        }),
      );
    },
    async closeDone(d: Draft) {
      // Keep a referral whose letter is still to follow until the letter is attached, set aside
      // under its UBRN, so that the patient's next referral starts fresh instead of showing this one.
      if (d.letterMode === 'attach') await deleteDraft(d.id);
      else await setAsideSent(d.id);
      draft.value = undefined;
      await refreshLists();
      const r = report.peek();
      if (r) await openFor(r);
    },
    async openDraft(id: string) {
      moves++;
      results.value = undefined;
      await reread(id);
    },
    async deleteDraft(id: string) {
      await deleteDraft(id);
      await refreshLists();
    },
  };

  return {
    session,
    report,
    draft,
    reference,
    results,
    searching,
    submitting,
    error,
    searchProblems,
    fileProblems,
    drafts,
    outstanding,
    letterUrl,
    prefs,
    notice,
    tabId,
    kind,
    shownNhs,
    signedIn,
    isAdmin,
    showPatient,
    locked,
    lockReason,
    unsure,
    editable,
    blocker,
    screen,
    actions,
  };
}

export type PanelStore = ReturnType<typeof createPanelStore>;
