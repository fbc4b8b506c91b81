// Why a search found no services, in plain words built from the criteria searched, and what to try,
// each tied to the search form's control that changes it (ids in
// entrypoints/sidepanel/components/SearchForm.tsx and MoreCriteria.tsx).
import type { SearchCriteria } from '../ers/index';

export interface EmptyResultsAdvice {
  why: string;
  tries: { text: string; field: string }[];
}

const PRIORITY_WORDS: Record<SearchCriteria['priority'], string> = {
  ROUTINE: 'routine',
  URGENT: 'urgent',
  TWO_WEEK_WAIT: 'two week wait (suspected cancer)',
};

/** `names`: the display names of the specialty and clinic type searched, where known. */
export function emptyResultsAdvice(c: SearchCriteria, names: { specialty?: string; clinicType?: string }): EmptyResultsAdvice {
  const what = [names.specialty ?? (c.specialty ? c.specialty : undefined), names.clinicType && `${names.clinicType} clinic`].filter(Boolean).join(' ');
  const conditions = [
    c.clinicalTerm && `for SNOMED CT code ${c.clinicalTerm}`,
    c.namedClinician && `with the named clinician ${c.namedClinician}`,
    c.distanceLimit !== undefined && c.postcode && `within ${c.distanceLimit} miles of ${c.postcode}`,
    c.indicativeAppointmentWaitTimeLimit !== undefined && `with a wait of ${c.indicativeAppointmentWaitTimeLimit} days or less`,
    c.ageAndGenderAppropriate && "suitable for the patient's age and sex",
  ].filter(Boolean);
  const why = `No ${what ? `${what} ` : ''}services accept ${PRIORITY_WORDS[c.priority]} referrals${conditions.length ? ` ${conditions.join(', ')}` : ''}.`;
  const tries: EmptyResultsAdvice['tries'] = [];
  if (c.priority !== 'ROUTINE') tries.push({ text: 'Try routine priority', field: 'priority-ROUTINE' });
  if (c.clinicType) tries.push({ text: 'Try any clinic type', field: 'clinic-type' });
  if (c.distanceLimit !== undefined) tries.push({ text: 'Try a wider distance', field: 'distance' });
  if (c.indicativeAppointmentWaitTimeLimit !== undefined) tries.push({ text: 'Allow a longer wait', field: 'iwt' });
  if (c.clinicalTerm) tries.push({ text: 'Change or remove the clinical term', field: 'clinical-term' });
  if (c.namedClinician) tries.push({ text: 'Change or remove the named clinician', field: 'named-clinician' });
  if (c.commissioningProvisioning && c.commissioningProvisioning !== 'NATIONALLY_AVAILABLE') {
    tries.push({ text: 'Include nationally available services', field: 'provisioning' });
  }
  tries.push({ text: c.specialty ? 'Try another specialty' : 'Choose a specialty', field: 'specialty' });
  return { why, tries };
}
