// The referral is in e-RS: its UBRN and the patient letter to print. Loaded when first shown; the
// shell puts it in the patient frame (App.tsx).
import type { ComponentChildren, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Draft } from '../../../utils/referral/model';
import type { ReferenceData } from '../../../utils/referral/panel-api';
import { DoneScreen } from '../components/DoneScreen';
import type { PanelStore } from '../store';
import type { BookingProps } from './Booking';

export function DoneBody({ store }: { store: PanelStore }) {
  const draft = store.draft.value!;
  return (
    <DoneScreen
      draft={draft}
      letterUrl={store.letterUrl.value}
      reference={store.reference.value}
      next={(usual) => <LazyBooking draft={draft} usual={usual} reference={store.reference.value} />}
      onClose={() => store.actions.closeDone(draft)}
    />
  );
}

/** Booking after the create ("What happens next"), loaded on its own so the done screen shows at once. */
function LazyBooking({ draft, usual, reference }: { draft: Draft; usual: ComponentChildren; reference?: ReferenceData }) {
  const [Booking, setBooking] = useState<FunctionComponent<BookingProps>>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import('./Booking').then(
      (m) => setBooking(() => m.Booking),
      () => setFailed(true),
    );
  }, []);
  // Until it loads, or if it cannot, the done screen's usual words stand.
  if (failed || !Booking) return <>{usual}</>;
  // The services may be changed (A031) unless the referral went for triage, which e-RS does not allow.
  const triaged = draft.submission.route === 'A021' || draft.submission.route === 'A011+A016';
  return (
    <Booking
      key={draft.id}
      target={{ draftId: draft.id }}
      shortlist={draft.shortlist}
      usual={usual}
      canChange={!triaged}
      reference={reference}
      search={draft.search}
    />
  );
}
