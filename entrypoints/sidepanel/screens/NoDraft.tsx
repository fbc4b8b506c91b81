// No draft open: the page's patient (the banner paints from the page before the draft is ready),
// or why there is none; the user's drafts and letters outstanding below.
import { draftPatientFrom } from '../../../utils/referral/format';
import { PatientBanner } from '../components/PatientBanner';
import { PatientFrame } from '../components/PatientFrame';
import type { PanelStore } from '../store';

export function NoDraftScreen({ store }: { store: PanelStore }) {
  const report = store.report.value;
  return (
    <PatientFrame store={store}>
      {report?.status !== 'single' ? (
        <section class="no-patient" role="status" data-testid="no-patient">
          <h2>No single patient record is open</h2>
          <p>{report?.reason ?? 'Open a patient record in your clinical system and press Refer.'}</p>
        </section>
      ) : (
        report.patient && <PatientBanner patient={draftPatientFrom(report.patient)} sourceUrl={report.source.url} from={report.from} />
      )}
    </PatientFrame>
  );
}
