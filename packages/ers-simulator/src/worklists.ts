// A008: the four referrer worklists, derived from the referrals' current state on every call (never
// stored), with the item shapes of the ers-contract package's examples/platform/A008_response_*.json. Each list
// covers the referrals whose referring organisation is the caller's; the referrer sub-extension lets
// a client keep only its own.

import { PROFILE, REFERRER_WORKLISTS, SYSTEM, type ReferrerWorklist } from 'ers-contract';
import { diag, unprocessable } from './errors';
import { checkKeys, checkProfile, isObject } from './fhir';
import type { OpContext } from './rules';
import { STATE_DISPLAY } from './referrals';
import type { Referral } from './state';

const ITEM_EXTENSION: Record<ReferrerWorklist, string> = {
  LETTERS_OUTSTANDING: 'Extension-eRS-LettersOutstanding-WorkListItem-1',
  REJECTED_TRIAGE_RESPONSE: 'Extension-eRS-RejectedTriageResponse-WorkListItem-1',
  ASSESSMENT_RETURNED_CANCELLED_DNA: 'Extension-eRS-AssessmentReturnedCancelledDna-WorkListItem-1',
  AWAITING_BOOKING: 'Extension-eRS-AwaitingBooking-WorkListItem-1',
};

/** Which referrals a list holds, by state (packages/ers-contract/docs/referral-lifecycle.md §4.4). */
function member(list: ReferrerWorklist, r: Referral): boolean {
  switch (list) {
    case 'LETTERS_OUTSTANDING':
      return r.letterIntention === 'NEED_TO_ADD_LATER' && r.attachments.length === 0 && r.state !== 'CANCELLED_REFERRAL';
    case 'AWAITING_BOOKING':
      return ['NOT_BOOKED', 'AWAITING_TRIAGE', 'DEFERRED_TO_PROVIDER', 'APP_CANCELLED_BY_PATIENT', 'APP_CANCELLED_BY_PROVIDER'].includes(r.state);
    case 'REJECTED_TRIAGE_RESPONSE':
      return ['REJECTED', 'TRIAGE_RESPONSE'].includes(r.state);
    case 'ASSESSMENT_RETURNED_CANCELLED_DNA':
      // A cancellation by the referring organisation itself is not news to it.
      if (r.state === 'CANCELLED_REFERRAL') return r.cancelledByOds !== undefined && r.cancelledByOds !== r.createdBy.ods;
      return ['ASSESSMENT_RESULT', 'DID_NOT_ATTEND'].includes(r.state);
  }
}

/** Reads the body: exactly one `listType`, a referrer list; filters are not allowed on referrer lists. */
export function readWorklistRequest(body: unknown): ReferrerWorklist {
  if (!isObject(body) || body.resourceType !== 'Parameters')
    throw unprocessable('INVALID_FHIR_STRUCTURE', diag('resourceType', 'resourceType', 'must be Parameters'));
  checkKeys(body, ['resourceType', 'id', 'meta', 'parameter'], '');
  checkProfile(body, PROFILE.fetchWorklist, '');
  const params = Array.isArray(body.parameter) ? body.parameter : [];
  const other = params.findIndex((p) => !isObject(p) || p.name !== 'listType');
  if (other >= 0) throw unprocessable('UNEXPECTED_FIELD', diag(`parameter[${other}]`, 'parameter', 'filters are not allowed on referrer worklists'));
  if (params.length !== 1) throw unprocessable('MISSING_VALUE', diag('parameter', 'listType', 'exactly one listType is required'));
  const coding = (params[0] as { valueCodeableConcept?: { coding?: { system?: string; code?: string }[] } }).valueCodeableConcept?.coding?.[0];
  if (!coding?.code) throw unprocessable('MISSING_VALUE', diag('parameter[0]/valueCodeableConcept', 'listType', 'code missing'));
  if (coding.system !== SYSTEM.referralListSelector || !(REFERRER_WORKLISTS as readonly string[]).includes(coding.code)) {
    throw unprocessable('INVALID_CODE', diag('parameter[0]/valueCodeableConcept/coding[0]', 'listType', `not a referrer worklist: ${coding.code}`));
  }
  return coding.code as ReferrerWorklist;
}

const ref = (url: string, system: string, value: string) => ({ url, valueReference: { identifier: { system, value } } });
const concept = (url: string, system: string, code: string, display?: string) => ({
  url,
  valueCodeableConcept: { coding: [{ system, code, ...(display ? { display } : {}) }] },
});

function lastUpdated(r: Referral): string {
  const linked = r.attachments.map((a) => a.linkedAt);
  const latest = Math.max(
    Date.parse(r.createdAt),
    ...linked,
    r.appointment ? Date.parse(r.appointment.created) : 0,
    r.stateChangedAt ? Date.parse(r.stateChangedAt) : 0,
  );
  return new Date(latest).toISOString();
}

function item(list: ReferrerWorklist, r: Referral): object {
  const common = [
    ref('patient', SYSTEM.nhsNumber, r.patientNhsNumber),
    concept('priority', SYSTEM.priority, r.priority),
    { url: 'referralCreated', valueDateTime: r.createdAt },
    { url: 'clinicalContext', valueString: r.specialty ?? 'UNKNOWN' },
    ref('referrer', SYSTEM.sdsUserId, r.referringClinician ?? r.createdBy.userId),
  ];
  // The rule for letterDue is not documented; the examples use the creation date.
  const extra =
    list === 'LETTERS_OUTSTANDING'
      ? [{ url: 'letterDue', valueDate: r.createdAt.slice(0, 10) }]
      : [
          { url: 'referralLastUpdated', valueDateTime: lastUpdated(r) },
          concept('status', SYSTEM.referralState, r.state, STATE_DISPLAY[r.state]),
          ...(r.stateReason ? [concept('reason', r.stateReason.system, r.stateReason.code, r.stateReason.display)] : []),
        ];
  return {
    extension: [{ extension: [...common, ...extra], url: `https://fhir.nhs.uk/STU3/StructureDefinition/${ITEM_EXTENSION[list]}` }],
    item: { reference: `ReferralRequest/${r.ubrn}` },
  };
}

/** The list for the caller's organisation, most recently updated first (stable: then by UBRN). */
export function fetchWorklist(list: ReferrerWorklist, ctx: OpContext): object {
  const referrals = [...ctx.state.referrals.values()]
    .filter((r) => r.createdBy.ods === ctx.ods && member(list, r))
    .sort((a, b) => lastUpdated(b).localeCompare(lastUpdated(a)) || a.ubrn.localeCompare(b.ubrn));
  return {
    meta: { profile: [PROFILE.fetchWorklistList] },
    resourceType: 'List',
    status: 'current',
    mode: 'snapshot',
    ...(referrals.length ? { entry: referrals.map((r) => item(list, r)) } : {}),
  };
}
