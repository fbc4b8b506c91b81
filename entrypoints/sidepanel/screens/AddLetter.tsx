// A referral sent with "letter to follow": attach its letter now. Shown rarely, so loaded when
// first shown (App.tsx lazyScreen, inside the patient frame).
import { LetterStep } from '../components/LetterStep';
import type { PanelStore } from '../store';
import { ErrorSummary } from '../components/ErrorSummary';

export function AddLetterBody({ store }: { store: PanelStore }) {
  const draft = store.draft.value!;
  const { actions } = store;
  const signedIn = store.signedIn.value;
  return (
    <>
      <LetterStep
        draft={draft}
        disabled={!signedIn || draft.submission.phase !== 'complete'}
        problems={store.fileProblems.value}
        onFiles={(f) => void actions.addFiles(f)}
        onRemove={actions.removeFile}
        onLetterMode={(mode) =>
          void actions.change((d) => {
            if (mode === 'to-follow') {
              d.addingLetter = false;
              d.letterMode = 'to-follow';
            }
          })
        }
      />
      {draft.submission.error && <ErrorSummary problems={[draft.submission.error.message]} />}
      <button
        type="button"
        class="nhs-button"
        data-testid="attach-outstanding"
        disabled={!signedIn || draft.files.length === 0 || store.submitting.value}
        onClick={() => actions.completeLetter(draft.id)}
      >
        Attach letter to referral {draft.submission.ubrn}
      </button>
    </>
  );
}
