// The referral is in e-RS: its UBRN and the patient letter to print. Loaded when first shown; the
// shell puts it in the patient frame (App.tsx).
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Draft } from '../../../utils/referral/model';
import { DoneScreen } from '../components/DoneScreen';
import type { PanelStore } from '../store';

export function DoneBody({ store }: { store: PanelStore }) {
  const draft = store.draft.value!;
  return <DoneScreen draft={draft} letterUrl={store.letterUrl.value} next={<LazyBooking draft={draft} />} onClose={() => store.actions.closeDone(draft)} />;
}

/** Booking after the create ("What happens next"), loaded on its own so the done screen shows at once. */
function LazyBooking({ draft }: { draft: Draft }) {
  const [Booking, setBooking] = useState<FunctionComponent<{ draft: Draft }>>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import('./Booking').then(
      (m) => setBooking(() => m.Booking),
      () => setFailed(true),
    );
  }, []);
  if (failed) return <p role="alert">The booking part of the panel could not be loaded. Close the side panel and open it again.</p>;
  return Booking ? <Booking key={draft.id} draft={draft} /> : null;
}
