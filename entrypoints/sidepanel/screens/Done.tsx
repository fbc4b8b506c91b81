// The referral is in e-RS: its UBRN and the patient letter to print. Loaded when first shown; the
// shell puts it in the patient frame (App.tsx).
import { DoneScreen } from '../components/DoneScreen';
import type { PanelStore } from '../store';

export function DoneBody({ store }: { store: PanelStore }) {
  const draft = store.draft.value!;
  return <DoneScreen draft={draft} letterUrl={store.letterUrl.value} onClose={() => store.actions.closeDone(draft)} />;
}
