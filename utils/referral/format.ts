// Small pure formatting helpers for the side panel. Host text is always data: these return plain
// strings that Preact renders as text, never markup.
import type { ServiceSummary } from '../ers';
import { formatPatientName } from '../patient/refer-button';
import type { PatientContext } from '../patient/types';
import type { Draft, DraftPatient } from './model';

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

export function waitLabel(wait: ServiceSummary['wait']): string {
  if (typeof wait === 'number') return `${wait} day${wait === 1 ? '' : 's'}`;
  if (wait === 'LIMITED_AVAILABILITY') return 'Limited availability';
  if (wait === 'NOT_APPLICABLE') return 'Not applicable';
  return 'Not published';
}

export type ResultSort = 'relevance' | 'distance' | 'wait' | 'name';
export type ResultFilter = { text?: string; booking?: 'all' | 'dbs' | 'ibs' | 'ras' };

const waitNumber = (s: ServiceSummary) => (typeof s.wait === 'number' ? s.wait : Number.POSITIVE_INFINITY);

/** Filter and sort search results in the panel, without another call to e-RS. */
export function filterAndSort(services: readonly ServiceSummary[], filter: ResultFilter, sort: ResultSort): ServiceSummary[] {
  const text = filter.text?.trim().toLowerCase();
  const kept = services.filter((s) => {
    if (text && !`${s.name} ${s.location.name ?? ''} ${s.location.ods ?? ''}`.toLowerCase().includes(text)) return false;
    switch (filter.booking ?? 'all') {
      case 'dbs':
        return !s.isTriage && s.bookableType === 'DIRECTLY_BOOKABLE';
      case 'ibs':
        return !s.isTriage && s.bookableType === 'INDIRECTLY_BOOKABLE';
      case 'ras':
        return s.isTriage;
      default:
        return true;
    }
  });
  const by: Record<ResultSort, ((a: ServiceSummary, b: ServiceSummary) => number) | undefined> = {
    relevance: undefined,
    distance: (a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity),
    wait: (a, b) => waitNumber(a) - waitNumber(b),
    name: (a, b) => a.name.localeCompare(b.name),
  };
  return by[sort] ? [...kept].sort(by[sort]) : kept;
}

/** Why this service cannot be added to the shortlist as it stands, in plain words; undefined if it can. */
export function shortlistRefusal(shortlist: readonly ServiceSummary[], candidate: ServiceSummary): string | undefined {
  if (shortlist.some((s) => s.id === candidate.id)) return 'Already on the shortlist.';
  if (shortlist.length >= 20) return 'A shortlist holds at most 20 services.';
  if (candidate.isTriage && shortlist.length > 0) return 'A Referral Assessment Service goes on its own: clear the shortlist first.';
  if (!candidate.isTriage && shortlist.some((s) => s.isTriage)) return 'The shortlist holds a Referral Assessment Service, which goes alone.';
  return undefined;
}

/**
 * What a draft's state means for the user, in the drafts list: never "Submitting" for a create
 * e-RS refused (nothing was sent), and a sent referral says what it still needs.
 */
export function draftStatus(d: Pick<Draft, 'submission' | 'letterMode' | 'attention'>): { label: string; tone: 'grey' | 'blue' | 'green' | 'yellow' | 'red' } {
  const s = d.submission;
  if (d.attention) return { label: 'Needs attention', tone: 'red' };
  switch (s.phase) {
    case 'editing':
      return { label: 'Draft, not sent', tone: 'grey' };
    case 'ready':
      return s.error ? { label: 'Not sent: e-RS refused it', tone: 'red' } : { label: 'Sending', tone: 'blue' };
    case 'creating':
      return { label: 'Sending', tone: 'blue' };
    case 'outcome-unknown':
      return { label: 'Check in e-RS: it may have been created', tone: 'red' };
    case 'complete':
      return d.letterMode === 'to-follow' ? { label: 'Sent, letter to follow', tone: 'yellow' } : { label: 'Sent', tone: 'green' };
    default:
      // created, triaging, uploading, attaching, letter-attached: in e-RS, a later step still running or failed.
      return s.error ? { label: 'Sent, but a step failed: open it', tone: 'red' } : { label: 'Sent, finishing', tone: 'blue' };
  }
}
