// Writing the referral letter: the letter screen's body (App.tsx loads it when "Write letter" is
// first pressed, inside the patient frame). The store shows it only for the draft it was opened for;
// keyed by that draft, so typed state never carries over to another.
import { WrittenLetter } from '../components/LetterComposer';
import type { PanelStore } from '../store';

export function LetterBody({ store }: { store: PanelStore }) {
  return <WrittenLetter key={store.draft.value!.id} store={store} onClose={() => store.actions.writeLetter(undefined)} />;
}
