import { formatNhsNumber } from 'ers-contract/nhs-number';
import { ageInYears, formatBannerDate, genderLabel } from '../../../utils/referral/format';
import type { DraftPatient } from '../../../utils/referral/model';
import { MAX_PROVENANCE_CHARS, type PatientContextReport, type ProvenanceField } from '../../../utils/patient/types';

const PROVENANCE_LABELS: [ProvenanceField, string][] = [
  ['nhsNumber', 'NHS number'],
  ['name', 'Name'],
  ['birthDate', 'Born'],
  ['gender', 'Sex'],
  ['postcode', 'Postcode'],
];

/** Always-visible patient identity, in the NHS banner order. Host text is rendered as text only. */
export function PatientBanner({ patient, sourceUrl, from }: { patient: DraftPatient; sourceUrl: string; from?: PatientContextReport['from'] }) {
  // The page text each field was read from: host text, so bounded and rendered as text (never HTML).
  const sources = PROVENANCE_LABELS.flatMap(([f, label]) => {
    const t = from?.[f];
    return typeof t === 'string' && t ? [[label, t.slice(0, MAX_PROVENANCE_CHARS)] as const] : [];
  });
  const age = patient.birthDate ? ageInYears(patient.birthDate) : undefined;
  let source = sourceUrl;
  try {
    const u = new URL(sourceUrl);
    source = `${u.host}${u.pathname}`;
  } catch {
    /* keep as given */
  }
  return (
    // Name and NHS number stay in view as a compact strip while the rest of the banner scrolls away
    // with the page, so it never covers what the user is working on (panel.css).
    <section class="patient-banner" aria-label="Patient this referral is for" data-testid="patient-banner">
      <div class="patient-banner__strip">
        <h2 class="patient-banner__name">{patient.displayName}</h2>
        <dl class="patient-banner__details">
          <div>
            <dt>NHS number</dt>
            <dd data-testid="banner-nhs-number">{formatNhsNumber(patient.nhsNumber)}</dd>
          </div>
        </dl>
      </div>
      <div class="patient-banner__rest">
        <dl class="patient-banner__details">
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
        {sources.length > 0 && (
          <details class="patient-banner__provenance" data-testid="banner-provenance">
            <summary>Where these details came from</summary>
            <dl>
              {sources.map(([label, t]) => (
                <div key={label}>
                  <dt>{label}</dt>
                  <dd>
                    <q>{t}</q>
                  </dd>
                </div>
              ))}
            </dl>
          </details>
        )}
      </div>
    </section>
  );
}
