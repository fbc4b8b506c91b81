// The create was sent but its outcome is unknown: in place of the submit step, the user chooses a
// referral found in e-RS, looks again, or (confirmed) sends again. Nothing can be submitted here.
// Loaded when first shown; the shell puts it after the draft's steps (DraftSteps in screens/Draft.tsx).
import { OutcomeUnknown } from '../components/OutcomeUnknown';
import type { PanelStore } from '../store';

export function OutcomeUnknownBody({ store }: { store: PanelStore }) {
  const draft = store.draft.value!;
  return <OutcomeUnknown draft={draft} busy={store.submitting.value} onAction={(action) => store.actions.reconcile(draft.id, action)} />;
}
