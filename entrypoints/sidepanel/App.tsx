// The side panel: one referral for the patient open in the clinical system, from search to the
// patient letter. The panel keeps no state of its own that matters: the draft lives in IndexedDB
// (saved on every change) and the submission is driven by the background.
//
// The panel shows only the signed-in user's drafts and letters (`panelOwner`). When the session
// ends or pauses it clears everything patient-related from the screen at once; when the same user
// is back it reopens the draft that was open, or says why it is gone.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ServiceSummary } from '../../utils/ers/index';
import { identityDifferences } from '../../utils/patient/identity';
import type { PatientContextReport } from '../../utils/patient/types';
import { draftPatientFrom, shortlistRefusal } from '../../utils/referral/format';
import { prepareFile, uniqueName } from '../../utils/referral/letters';
import { IN_FLIGHT, draftId, isSubmitted, newDraft, type Draft } from '../../utils/referral/model';
import { panelOwner, type PanelApi, type PanelSession, type ReferenceData } from '../../utils/referral/panel-api';
import {
  deleteDraft,
  fileKey,
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
import { resumeBlocker, submitBlocker } from '../../utils/referral/submit';
import { DoneScreen } from './DoneScreen';
import { DraftsList, OutstandingLetters } from './DraftsList';
import { LetterStep } from './LetterStep';
import { PanelHeader } from './PanelHeader';
import { PatientBanner } from './PatientBanner';
import { Results } from './Results';
import { SearchForm, orderedCriteria } from './SearchForm';
import { Shortlist } from './Shortlist';
import { SubmitStep } from './SubmitStep';

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unknown';
  }
}

export function App({ api }: { api: PanelApi }) {
  const [session, setSession] = useState<PanelSession>();
  const [report, setReport] = useState<PatientContextReport>();
  const [tabId, setTabId] = useState<number>();
  const [draft, setDraft] = useState<Draft>();
  const [reference, setReference] = useState<ReferenceData>();
  const [results, setResults] = useState<ServiceSummary[]>();
  const [searching, setSearching] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const [fileProblems, setFileProblems] = useState<string[]>([]);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [outstanding, setOutstanding] = useState<OutstandingLetter[]>([]);
  const [letterUrl, setLetterUrl] = useState<string>();
  const [prefs, setPrefs] = useState<Awaited<ReturnType<PanelApi['preferences']>>>();
  const [notice, setNotice] = useState<string>();
  /** Drafts whose patient the user confirmed in this panel (asked when the read was not certain). */
  const [confirmed, setConfirmed] = useState<string[]>([]);
  const draftRef = useRef<Draft | undefined>(undefined);
  draftRef.current = draft;
  /** Whose drafts are on screen now (owner key), and the draft that was open when the session ended. */
  const ownerRef = useRef<string | undefined>(undefined);
  const lastOpenRef = useRef<{ owner: string; id: string } | undefined>(undefined);

  const refreshLists = useCallback(async () => {
    const owner = ownerRef.current;
    setDrafts(owner ? await listDrafts(owner) : []);
    setOutstanding(owner ? await listOutstanding(owner) : []);
  }, []);

  /** Show the draft for this patient on this host: restored if one exists, else a new one. */
  const openFor = useCallback(
    async (r: PatientContextReport, knownPrefs?: Awaited<ReturnType<PanelApi['preferences']>>) => {
      const owner = ownerRef.current;
      if (r.status !== 'single' || !r.patient || !owner) return;
      const host = originOf(r.source.url);
      const existing = await getOwnDraft(owner, draftId(owner, host, r.patient.nhsNumber));
      let next = existing;
      if (!next) {
        const p = knownPrefs ?? prefs ?? (await api.preferences());
        const now = Date.now();
        next = newDraft({
          owner,
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
        // has: the user chose the patient shown now, so the draft takes the page's identity.
        const patient = draftPatientFrom(r.patient);
        next = await updateDraft(next.id, (d) => {
          d.patient = patient;
          d.sourceUrl = r.source.url;
          d.lockedReason = undefined;
        });
      } else if (next.lockedReason) {
        // The page shows this draft's patient again: it may be worked on and submitted again.
        next = await updateDraft(next.id, (d) => {
          d.lockedReason = undefined;
        });
      }
      setResults(undefined);
      setDraft(next);
      await refreshLists();
    },
    [api, prefs, refreshLists],
  );

  // Start: the page's patient first (the banner paints from it at once), then session,
  // preferences and the draft; housekeeping and reference data after that. A layout effect, so the
  // requests start straight after the first render instead of a frame later.
  useLayoutEffect(() => {
    void (async () => {
      try {
        const sessionAsked = api.session();
        const prefsAsked = api.preferences();
        const ctx = await api.patientContext();
        setTabId(ctx.tabId);
        setReport(ctx.report);
        const [s, p] = await Promise.all([sessionAsked, prefsAsked]);
        ownerRef.current = panelOwner(s);
        setSession(s);
        setPrefs(p);
        if (ctx.report) await openFor(ctx.report, p);
        await refreshLists();
        if (s.state === 'active') setReference(await api.referenceData());
        if ((await purgeExpired()).length) await refreshLists();
      } catch (e) {
        setError((e as Error).message);
      }
    })();
    // openFor is given the preferences explicitly on this first run.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);

  // Sign-out, pause or another user: nothing of the previous user's stays on screen. The same user
  // back: their draft again, or why it is gone.
  useEffect(
    () =>
      api.onSessionChanged(async () => {
        const s = await api.session();
        const owner = panelOwner(s);
        const previous = ownerRef.current;
        setSession(s);
        if (owner !== previous) {
          const open = draftRef.current;
          if (previous && open) lastOpenRef.current = { owner: previous, id: open.id };
          ownerRef.current = owner;
          setDraft(undefined);
          setResults(undefined);
          setLetterUrl(undefined);
          setFileProblems([]);
          setError(undefined);
          setNotice(undefined);
          setDrafts([]);
          setOutstanding([]);
          if (owner) {
            const last = lastOpenRef.current;
            lastOpenRef.current = undefined;
            const again = last?.owner === owner ? await getOwnDraft(owner, last.id) : undefined;
            if (again) setDraft(again);
            else {
              if (last?.owner === owner)
                setNotice(
                  'The draft you had open was removed when you signed out: drafts that had not been sent are not kept after sign-out. Nothing was sent to e-RS.',
                );
              const ctx = await api.patientContext().catch(() => ({ report: undefined }));
              if (ctx.report) {
                setReport(ctx.report);
                await openFor(ctx.report);
              }
            }
            await refreshLists();
          }
        } else if (owner) await refreshLists();
        if (s.state === 'active' && !reference) setReference(await api.referenceData().catch(() => undefined));
      }),
    [api, reference, openFor, refreshLists],
  );

  // The host page's patient changed: never carry this draft over to the newly shown patient.
  useEffect(
    () =>
      api.onPatientContext(async (next) => {
        setReport(next);
        const current = draftRef.current;
        const shown = next?.status === 'single' ? next.patient?.nhsNumber : undefined;
        // Every identity field, not only the NHS number: a half-updated banner differs in its DOB or sex.
        const same =
          !!next?.patient && shown !== undefined && identityDifferences(current?.patient ?? { nhsNumber: '', displayName: '' }, next.patient).length === 0;
        if (current && !same && !isSubmitted(current)) {
          const reason = shown
            ? `The clinical system now shows a different patient. This draft is for ${current.patient.displayName} and is locked: it cannot be submitted until their record is open again.`
            : `The clinical system no longer shows ${current.patient.displayName}. This draft is locked until their record is open again.`;
          setDraft(
            await updateDraft(current.id, (d) => {
              d.lockedReason = reason;
            }),
          );
        } else if (current && same && current.lockedReason) {
          setDraft(
            await updateDraft(current.id, (d) => {
              d.lockedReason = undefined;
            }),
          );
        }
      }),
    [api],
  );

  // The background moved a submission on: re-read it from IndexedDB.
  useEffect(
    () =>
      api.onDraftChanged(async (id) => {
        if (draftRef.current?.id === id) setDraft(await getOwnDraft(ownerRef.current, id));
        await refreshLists();
      }),
    [api, refreshLists],
  );

  // Resume a submission left in flight when this draft is opened: only when the resume checks pass
  // here (the background checks again against this tab).
  useEffect(() => {
    const shown = report?.status === 'single' ? report.patient?.nhsNumber : undefined;
    if (draft && IN_FLIGHT.includes(draft.submission.phase) && !draft.submission.error && !resumeBlocker(draft, shown)) {
      void api.resume(draft.id, tabId).catch(() => undefined);
    }
  }, [api, draft?.id]);

  // Patient letter as an object URL for printing.
  useEffect(() => {
    let url: string | undefined;
    if (draft?.submission.phase === 'complete' && draft.submission.patientLetter) {
      void getBlob(patientLetterKey(draft.id)).then((blob) => {
        if (blob) {
          url = URL.createObjectURL(blob);
          setLetterUrl(url);
        }
      });
    } else setLetterUrl(undefined);
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [draft?.id, draft?.submission.phase]);

  const change = useCallback(async (mutate: (d: Draft) => void) => {
    const current = draftRef.current;
    if (!current) return;
    const next = await updateDraft(current.id, (d) => {
      mutate(d);
      d.updatedAt = Date.now();
    });
    setDraft(next);
  }, []);

  const onSearch = useCallback(async () => {
    const d = draftRef.current;
    if (!d || !reference) return;
    setSearching(true);
    setError(undefined);
    try {
      const criteria = orderedCriteria(d.search.criteria);
      const result = await api.search({
        nhsNumber: d.patient.nhsNumber,
        criteria,
        sortBy: d.search.sortBy,
        requestType: d.search.requestType,
        referringClinician: session?.businessFunction === 'REFERRING_CLINICIAN_ADMIN' ? d.referringClinician : undefined,
        specialtySystem: reference.specialtySystem,
      });
      setResults(result.services);
      // A shortlist must embed the criteria its services were found with: a new search starts a new one.
      const sameCriteria = JSON.stringify(result.criteria) === JSON.stringify(d.criteriaResource);
      await change((x) => {
        x.criteriaResource = result.criteria;
        if (!sameCriteria) x.shortlist = [];
      });
      void api.rememberSearch({ priority: criteria.priority, specialty: criteria.specialty });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSearching(false);
    }
  }, [api, reference, session, change]);

  const onFiles = useCallback(
    async (files: { blob: Blob; name: string }[]) => {
      const d = draftRef.current;
      if (!d) return;
      const problems: string[] = [];
      const added: Draft['files'] = [];
      for (const f of files) {
        const prepared = await prepareFile(f.blob, f.name);
        if (!prepared.ok) {
          problems.push(prepared.message);
          continue;
        }
        const id = crypto.randomUUID();
        const name = uniqueName(
          prepared.name,
          [...d.files, ...added].map((x) => x.name),
        );
        await putBlob(fileKey(d.id, id), d.id, prepared.blob);
        added.push({ id, name, contentType: prepared.contentType, size: prepared.blob.size, note: prepared.note });
      }
      setFileProblems(problems);
      if (added.length)
        await change((x) => {
          x.files = [...x.files, ...added];
        });
    },
    [change],
  );

  const onSubmit = useCallback(async () => {
    const d = draftRef.current;
    if (!d) return;
    setSubmitting(true);
    setError(undefined);
    try {
      await api.submit(d.id, tabId);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSubmitting(false);
      setDraft(await getOwnDraft(ownerRef.current, d.id));
    }
  }, [api, tabId]);

  const shownNhs = report?.status === 'single' ? report.patient?.nhsNumber : undefined;
  const blocker = useMemo(() => {
    if (!draft) return undefined;
    const b = submitBlocker(draft, shownNhs);
    if (b) return b;
    if (session?.businessFunction === 'REFERRING_CLINICIAN_ADMIN' && !/^\d{12}$/.test(draft.referringClinician ?? ''))
      return 'Name the referring clinician (12-digit SDS user ID).';
    if (session?.state !== 'active') return 'Sign in to e-RS to submit.';
    return undefined;
  }, [draft, shownNhs, session]);

  const completeOutstanding = useCallback(async (letter: OutstandingLetter) => {
    const d = await getOwnDraft(ownerRef.current, letter.draftId);
    if (!d) {
      setError('The draft for this referral is no longer in this browser. Attach the letter in e-RS.');
      return;
    }
    // Reuse the draft's own submission: back to "attach", then the background uploads and links it.
    setResults(undefined);
    setDraft(
      await updateDraft(d.id, (x) => {
        x.letterMode = 'attach';
        x.addingLetter = true;
      }),
    );
  }, []);

  const signedIn = session?.state === 'active';
  // Once the session is known to be over, the page's patient is not shown either.
  const showPatient = !session || !!panelOwner(session);
  const locked = !!draft?.lockedReason;
  // Unless NHS number, name and date of birth were read together from one place on the page
  // (confidence 1), the user confirms the patient once before anything is searched or sent.
  const unsure =
    !!draft &&
    report?.status === 'single' &&
    !!report.patient &&
    report.patient.nhsNumber === draft.patient.nhsNumber &&
    report.confidence < 1 &&
    !isSubmitted(draft) &&
    !confirmed.includes(draft.id);
  const editable = !!draft && signedIn && !locked && !unsure && !isSubmitted(draft) && draft.submission.phase !== 'ready';

  return (
    <main class="panel">
      <h1 class="nhs-visually-hidden">e-RS referral</h1>
      {session && <PanelHeader session={session} api={api} onChanged={() => void api.session().then(setSession)} />}
      {error && (
        <div class="nhs-error-summary" role="alert" data-testid="panel-error">
          <p>{error}</p>
        </div>
      )}
      {session && !panelOwner(session) && (
        <section class="no-patient" role="status" data-testid="signed-out-panel">
          <h2>Sign in to see your referrals</h2>
          <p>Your drafts and letters outstanding are kept and shown again when you sign in. Another user signing in here sees none of them.</p>
        </section>
      )}
      {notice && (
        <div class="nhs-inset-text" role="status" data-testid="panel-notice">
          <p>{notice}</p>
        </div>
      )}
      {draft?.attention && (
        <div class="nhs-warning" role="alert" data-testid="draft-attention">
          <h3 class="nhs-warning__label">Needs attention</h3>
          <p>{draft.attention.message}</p>
        </div>
      )}
      {showPatient && !draft && report?.status !== 'single' && (
        <section class="no-patient" role="status" data-testid="no-patient">
          <h2>No single patient record is open</h2>
          <p>{report?.reason ?? 'Open a patient record in your clinical system and press Refer.'}</p>
        </section>
      )}
      {draft ? (
        <PatientBanner
          patient={draft.patient}
          sourceUrl={draft.sourceUrl}
          from={!locked && report?.patient?.nhsNumber === draft.patient.nhsNumber ? report.from : undefined}
        />
      ) : (
        showPatient &&
        report?.status === 'single' &&
        report.patient && <PatientBanner patient={draftPatientFrom(report.patient)} sourceUrl={report.source.url} from={report.from} />
      )}
      {unsure && !locked && (
        <div class="nhs-warning" role="alert" data-testid="check-patient">
          <h3 class="nhs-warning__label">Check this is the right patient</h3>
          <p>
            The page did not show this patient&rsquo;s NHS number, name and date of birth together, so the extension is less sure who it is. Compare the details
            above with the record before you continue.
          </p>
          <button type="button" class="nhs-button nhs-button--secondary" onClick={() => setConfirmed((c) => [...c, draft!.id])}>
            Yes, this is the right patient
          </button>
        </div>
      )}
      {draft?.lockedReason && (
        <div class="nhs-warning" role="alert" data-testid="draft-locked">
          <h3 class="nhs-warning__label">Patient changed</h3>
          <p>{draft.lockedReason}</p>
          {report?.status === 'single' && report.patient && report.patient.nhsNumber !== draft.patient.nhsNumber && (
            <button type="button" class="nhs-button nhs-button--secondary" onClick={() => void openFor(report)}>
              Open a referral for the patient now shown
            </button>
          )}
        </div>
      )}
      {draft?.addingLetter ? (
        <>
          <LetterStep
            draft={draft}
            disabled={!signedIn || draft.submission.phase !== 'complete'}
            problems={fileProblems}
            onFiles={(f) => void onFiles(f)}
            onRemove={(id) =>
              void change((d) => {
                d.files = d.files.filter((f) => f.id !== id);
              })
            }
            onLetterMode={(mode) =>
              void change((d) => {
                if (mode === 'to-follow') {
                  d.addingLetter = false;
                  d.letterMode = 'to-follow';
                }
              })
            }
          />
          {draft.submission.error && (
            <div class="nhs-error-summary" role="alert">
              <p>{draft.submission.error.message}</p>
            </div>
          )}
          <button
            type="button"
            class="nhs-button"
            data-testid="attach-outstanding"
            disabled={!signedIn || draft.files.length === 0 || submitting}
            onClick={async () => {
              setSubmitting(true);
              try {
                await api.completeLetter(draft.id);
              } catch (e) {
                setError((e as Error).message);
              } finally {
                setSubmitting(false);
                setDraft(await getOwnDraft(ownerRef.current, draft.id));
              }
            }}
          >
            Attach letter to referral {draft.submission.ubrn}
          </button>
        </>
      ) : draft && draft.submission.phase === 'complete' ? (
        <DoneScreen
          draft={draft}
          letterUrl={letterUrl}
          onClose={async () => {
            // Keep a referral whose letter is still to follow until the letter is attached.
            if (draft.letterMode === 'attach') await deleteDraft(draft.id);
            setDraft(undefined);
            await refreshLists();
            if (report) await openFor(report);
          }}
        />
      ) : (
        draft && (
          <>
            <SearchForm
              value={draft.search}
              reference={reference}
              patientPostcode={draft.patient.postcode}
              disabled={!editable}
              busy={searching}
              onChange={(search) =>
                void change((d) => {
                  d.search = search;
                })
              }
              onSearch={() => void onSearch()}
            />
            {results && (
              <Results
                services={results}
                shortlist={draft.shortlist}
                disabled={!editable}
                onAdd={(s) =>
                  void change((d) => {
                    if (!shortlistRefusal(d.shortlist, s)) d.shortlist = [...d.shortlist, s];
                  })
                }
              />
            )}
            <Shortlist
              shortlist={draft.shortlist}
              flavour={session?.flavour ?? 'platform'}
              isAdmin={session?.businessFunction === 'REFERRING_CLINICIAN_ADMIN'}
              referringClinician={draft.referringClinician}
              disabled={!editable}
              onRemove={(id) =>
                void change((d) => {
                  d.shortlist = d.shortlist.filter((s) => s.id !== id);
                })
              }
              onReferringClinician={(v) =>
                void change((d) => {
                  d.referringClinician = v || undefined;
                })
              }
            />
            <LetterStep
              draft={draft}
              disabled={!signedIn || locked || (isSubmitted(draft) && draft.submission.phase !== 'complete')}
              problems={fileProblems}
              onFiles={(f) => void onFiles(f)}
              onRemove={(id) =>
                void change((d) => {
                  d.files = d.files.filter((f) => f.id !== id);
                })
              }
              onLetterMode={(mode) =>
                void change((d) => {
                  d.letterMode = mode;
                })
              }
            />
            <SubmitStep
              draft={draft}
              blocker={blocker}
              busy={submitting}
              onSubmit={() => void onSubmit()}
              onRetry={() => void api.resume(draft.id, tabId).catch((e: Error) => setError(e.message))}
              onReconcile={(action) =>
                void (async () => {
                  setSubmitting(true);
                  setError(undefined);
                  try {
                    await api.reconcile(draft.id, action);
                  } catch (e) {
                    setError((e as Error).message);
                  } finally {
                    setSubmitting(false);
                    setDraft(await getOwnDraft(ownerRef.current, draft.id));
                  }
                })()
              }
            />
          </>
        )
      )}
      {showPatient && <OutstandingLetters letters={outstanding} now={Date.now()} onComplete={(l) => void completeOutstanding(l)} />}
      {showPatient && (
        <DraftsList
          drafts={drafts}
          currentId={draft?.id}
          onOpen={async (id) => {
            setResults(undefined);
            setDraft(await getOwnDraft(ownerRef.current, id));
          }}
          onDelete={async (id) => {
            await deleteDraft(id);
            await refreshLists();
          }}
        />
      )}
    </main>
  );
}
