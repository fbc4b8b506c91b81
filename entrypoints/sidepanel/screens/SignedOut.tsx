// Nobody is signed in with a role: no patient, draft or letter is shown.
import { Notice } from '../components/PatientFrame';
import type { PanelStore } from '../store';

export function SignedOutScreen({ store }: { store: PanelStore }) {
  return (
    <>
      <section class="no-patient" role="status" data-testid="signed-out-panel">
        <h2>Sign in to see your referrals</h2>
        <p>Your drafts and letters outstanding are kept and shown again when you sign in. Another user signing in here sees none of them.</p>
      </section>
      <Notice store={store} />
    </>
  );
}
