// Small pure formatting helpers for the side panel. Host text is always data: these return plain
// strings that Preact renders as text, never markup.
import type { ServiceSummary } from '../ers';
import { formatPatientName } from '../patient/refer-button';
import type { PatientContext } from '../patient/types';
import type { DraftPatient } from './model';

/** "JONES, Sarah (Mrs)": the NHS convention of family name in capitals first. */
export function displayName(name: PatientContext['name']): string {
  return formatPatientName({ ...name, family: name.family.toUpperCase() });
}

export function draftPatientFrom(p: PatientContext): DraftPatient {
  return { nhsNumber: p.nhsNumber, displayName: displayName(p.name), birthDate: p.birthDate, gender: p.gender, postcode: p.postcode };
}

/** Whole years between an ISO birth date and `now`. */
export function ageInYears(birthDate: string, now = new Date()): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < mo || (now.getUTCMonth() + 1 === mo && now.getUTCDate() < d)) age--;
  return age;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "14-Mar-1958", the NHS patient banner date format. */
export function formatBannerDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}-${MONTHS[Number(m[2]) - 1]}-${m[1]}` : iso;
}

export function genderLabel(gender?: string): string {
  switch (gender) {
    case 'male':
      return 'Male';
    case 'female':
      return 'Female';
    case 'other':
      return 'Other';
    default:
      return 'Not known';
  }
}

export function bookingLabel(s: ServiceSummary): string {
  if (s.isTriage) return 'Triage (RAS)';
  if (s.bookableType === 'DIRECTLY_BOOKABLE') return 'Directly bookable';
  if (s.bookableType === 'INDIRECTLY_BOOKABLE') return 'Indirectly bookable';
  return 'Not specified';
}

/** Why this service cannot be added to the shortlist as it stands, in plain words; undefined if it can. */
export function shortlistRefusal(shortlist: readonly ServiceSummary[], candidate: ServiceSummary): string | undefined {
  if (shortlist.some((s) => s.id === candidate.id)) return 'Already on the shortlist.';
  if (shortlist.length >= 20) return 'A shortlist holds at most 20 services.';
  if (candidate.isTriage && shortlist.length > 0) return 'A Referral Assessment Service goes on its own: clear the shortlist first.';
  if (!candidate.isTriage && shortlist.some((s) => s.isTriage)) return 'The shortlist holds a Referral Assessment Service, which goes alone.';
  return undefined;
}
