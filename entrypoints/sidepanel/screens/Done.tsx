// The referral is in e-RS: its UBRN and the patient letter to print.
import { DoneScreen } from '../components/DoneScreen';
import { PatientFrame } from '../components/PatientFrame';
import type { PanelStore } from '../store';

export function DoneScreenView({ store }: { store: PanelStore }) {
  const draft = store.draft.value!;
  return (
    <PatientFrame store={store}>
      <DoneScreen draft={draft} letterUrl={store.letterUrl.value} onClose={() => store.actions.closeDone(draft)} />
    </PatientFrame>
  );
}
