// The referral being prepared: search, results, shortlist, letter and submit. The steps before
// submit are shared with the outcome-unknown screen (screens/OutcomeUnknown.tsx).
import type { ComponentChildren } from 'preact';
import { isSubmitted } from '../../../utils/referral/model';
import { DraftProgress } from '../components/DraftProgress';
import { LetterStep } from '../components/LetterStep';
import { PatientFrame } from '../components/PatientFrame';
import { SearchForm } from '../components/SearchForm';
import { Shortlist } from '../components/Shortlist';
import { SubmitStep } from '../components/SubmitStep';
import { lazyComponent } from '../lazy';
import type { PanelStore } from '../store';

// Shown only once a search has answered; loaded while that search runs.
const Results = lazyComponent(() => import('../components/Results').then((m) => m.Results));

export function DraftScreen({ store }: { store: PanelStore }) {
  const draft = store.draft.value!;
  const { actions } = store;
  return (
    <DraftSteps store={store}>
      <SubmitStep
        draft={draft}
        blocker={store.blocker.value}
        busy={store.submitting.value}
        reference={store.reference.value}
        onSubmit={actions.submit}
        onRetry={() => actions.retry(draft.id)}
      />
    </DraftSteps>
  );
}

/** Search, results, shortlist and letter for the open draft, then `children` (the last step). */
export function DraftSteps({ store, children }: { store: PanelStore; children?: ComponentChildren }) {
  const draft = store.draft.value!;
  const results = store.results.value;
  const editable = store.editable.value;
  const { actions } = store;
  return (
    <PatientFrame store={store}>
      <DraftProgress draft={draft} />
      <SearchForm
        value={draft.search}
        reference={store.reference.value}
        patientPostcode={draft.patient.postcode}
        disabled={!editable}
        busy={store.searching.value}
        problems={store.searchProblems.value}
        onChange={(search) =>
          void actions.change((d) => {
            d.search = search;
          })
        }
        onSearch={() => {
          Results.preload();
          void actions.search();
        }}
      />
      {results && (
        <Results
          services={results}
          shortlist={draft.shortlist}
          criteria={draft.search.criteria}
          reference={store.reference.value}
          disabled={!editable}
          onAdd={actions.addToShortlist}
        />
      )}
      <Shortlist
        shortlist={draft.shortlist}
        flavour={store.session.value?.flavour ?? 'platform'}
        isAdmin={store.isAdmin.value}
        referringClinician={draft.referringClinician}
        disabled={!editable}
        onRemove={(id) =>
          void actions.change((d) => {
            d.shortlist = d.shortlist.filter((s) => s.id !== id);
          })
        }
        onReferringClinician={(v) =>
          void actions.change((d) => {
            d.referringClinician = v || undefined;
          })
        }
      />
      <LetterStep
        draft={draft}
        disabled={!store.signedIn.value || store.locked.value || (isSubmitted(draft) && draft.submission.phase !== 'complete')}
        problems={store.fileProblems.value}
        onFiles={(f) => void actions.addFiles(f)}
        onRemove={actions.removeFile}
        onLetterMode={(mode) =>
          void actions.change((d) => {
            d.letterMode = mode;
          })
        }
        onWriteLetter={() => actions.writeLetter(draft.id)}
      />
      {children}
    </PatientFrame>
  );
}
