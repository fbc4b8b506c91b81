// The referral is in e-RS: its UBRN and the patient letter to print. Loaded when first shown; the
// shell puts it in the patient frame (App.tsx).
import type { ComponentChildren, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Draft } from '../../../utils/referral/model';
import { DoneScreen } from '../components/DoneScreen';
import type { PanelStore } from '../store';

export function DoneBody({ store }: { store: PanelStore }) {
  const draft = store.draft.value!;
  return (
    <DoneScreen
      draft={draft}
      letterUrl={store.letterUrl.value}
      reference={store.reference.value}
      next={(usual) => <LazyBooking draft={draft} usual={usual} />}
      onClose={() => store.actions.closeDone(draft)}
    />
  );
}

/** Booking after the create ("What happens next"), loaded on its own so the done screen shows at once. */
function LazyBooking({ draft, usual }: { draft: Draft; usual: ComponentChildren }) {
  const [Booking, setBooking] = useState<FunctionComponent<{ draft: Draft; usual: ComponentChildren }>>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import('./Booking').then(
      (m) => setBooking(() => m.Booking),
      () => setFailed(true),
    );
  }, []);
  // Until it loads, or if it cannot, the done screen's usual words stand.
  if (failed || !Booking) return <>{usual}</>;
  return <Booking key={draft.id} draft={draft} usual={usual} />;
}
