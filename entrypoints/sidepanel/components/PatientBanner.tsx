import { formatNhsNumber } from '../../../utils/patient/nhs-number';
import { ageInYears, formatBannerDate, genderLabel } from '../../../utils/referral/format';
import type { DraftPatient } from '../../../utils/referral/model';

/** Always-visible patient identity, in the NHS banner order. Host text is rendered as text only. */
export function PatientBanner({ patient, sourceUrl }: { patient: DraftPatient; sourceUrl: string }) {
  const age = patient.birthDate ? ageInYears(patient.birthDate) : undefined;
  let source = sourceUrl;
  try {
    const u = new URL(sourceUrl);
    source = `${u.host}${u.pathname}`;
  } catch {
    /* keep as given */
  }
  return (
    <section class="patient-banner" aria-label="Patient this referral is for" data-testid="patient-banner">
      <h2 class="patient-banner__name">{patient.displayName}</h2>
      <dl class="patient-banner__details">
        <div>
          <dt>NHS number</dt>
          <dd data-testid="banner-nhs-number">{formatNhsNumber(patient.nhsNumber)}</dd>
        </div>
        {patient.birthDate && (
          <div>
            <dt>Born</dt>
            <dd>
              {formatBannerDate(patient.birthDate)}
              {age !== undefined ? ` (${age}y)` : ''}
            </dd>
          </div>
        )}
        <div>
          <dt>Sex</dt>
          <dd>{genderLabel(patient.gender)}</dd>
        </div>
        {patient.postcode && (
          <div>
            <dt>Postcode</dt>
            <dd>{patient.postcode}</dd>
          </div>
        )}
      </dl>
      <p class="patient-banner__source">
        From <span title={sourceUrl}>{source}</span>
      </p>
    </section>
  );
}
