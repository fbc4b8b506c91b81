// The booking operations of the e-RS client: A015 slots, A016 book/defer, A033/A035/A037 services,
// A038 appointment, A034 cancel, A031 change shortlist. Each goes through ErsClient.request, so the
// client's retry policy holds: reads retry; A016, A034 and A031 are never re-sent automatically, and
// a lost answer to them is an `outcome-unknown` error to be resolved by reading back (A005/A038).
import type { LetterIntention, Priority } from 'ers-contract';
import { healthcareServiceBundleSchema, healthcareServiceSchema, slotPageSchema, storedAppointmentSchema, type StoredAppointment } from './booking-schemas';
import {
  buildBookAppointment,
  buildCancelAppointment,
  buildChangeShortlist,
  buildDeferAppointment,
  buildSlotQuery,
  mergeSlotPages,
  parseAppointment,
  parseHealthcareService,
  parseSlotPage,
  type AppointmentSummary,
  type DeferReason,
  type FreeSlot,
  type ServiceDetails,
  type SlotPageSummary,
  type SlotQuery,
} from './booking';
import type { ErsClient, OperationSpec } from './client';
import { ErsError } from './errors';
import type { ParametersResource } from './fhir';
import type { ReferralSummary } from './parse';
import { parseReferral } from './parse';
import { checkNhsNumber, checkShortlist, checkLetterIntention, checkUbrn, enforce, type ShortlistEntry } from './rules';
import { referralRequestSchema } from './schemas';
import { stu3Path } from './transport';

/** e-RS may wait up to two minutes on the provider's PAS for A016/A034: wait longer than that. */
export const PAS_WAIT_MS = 150_000;

const IF_MATCH = /^W\/"\d+"$/;

function ruleIfMatch(etag: string) {
  return IF_MATCH.test(etag) ? [] : [{ code: 'INVALID_VALUE', diagnostics: 'If-Match must look like W/"n"' }];
}

/** The referral facts every booking call needs (from A005/A011: never computed here). */
export interface BookableReferral {
  ubrn: string;
  version: string;
  nhsNumber: string;
  priority?: Priority;
  commissioningRuleOrg?: string;
}

/** A015: one page of free slots at a directly bookable service on the referral's current shortlist. */
export async function listSlots(
  client: ErsClient,
  referral: BookableReferral,
  query: Omit<SlotQuery, 'priority'> & { priority?: Priority },
): Promise<SlotPageSummary> {
  const priority = query.priority ?? referral.priority;
  if (!priority)
    throw new ErsError({ kind: 'rule', operation: 'A015', code: 'MISSING_PARAMETER', message: 'The referral has no priority, so slots cannot be searched.' });
  // Without the commissioning org the search can offer slots this referral cannot book.
  if (!referral.commissioningRuleOrg) {
    throw new ErsError({
      kind: 'rule',
      operation: 'A015',
      code: 'MISSING_HEADER',
      message: 'Re-read the referral: its commissioning organisation is needed to search slots.',
    });
  }
  const params = buildSlotQuery({ ...query, priority });
  const op: OperationSpec = { id: 'A015', method: 'get', path: `${stu3Path(client.flavour, 'Slot')}?${params}`, auth: 'user-and-role', idempotent: true };
  const header = client.flavour === 'legacy' ? 'X-ERS-XAPI-COMM-RULE-ORG' : 'NHSD-eRS-Comm-Rule-Org';
  const { data } = await client.request(op, { headers: { [header]: referral.commissioningRuleOrg } }, slotPageSchema);
  return parseSlotPage(data);
}

/**
 * A015 through the `next` links, up to `maxPages`. Pages read at different moments overlap or skip:
 * slots are merged by id, and a page that no longer exists (the list shrank: 400 INVALID_VALUE) ends
 * the walk instead of failing it.
 */
export async function listAllSlots(
  client: ErsClient,
  referral: BookableReferral,
  query: Omit<SlotQuery, 'priority' | 'page'>,
  maxPages = 5,
): Promise<{ slots: FreeSlot[]; nextPage?: number; total?: number }> {
  const pages: FreeSlot[][] = [];
  let page: number | undefined = 1;
  let total: number | undefined;
  for (let read = 0; page !== undefined && read < maxPages; read++) {
    let result: SlotPageSummary;
    try {
      result = await listSlots(client, referral, { ...query, page });
    } catch (error) {
      if (page > 1 && error instanceof ErsError && error.status === 400 && error.code === 'INVALID_VALUE') {
        page = undefined;
        break;
      }
      throw error;
    }
    pages.push(result.slots);
    total = result.total;
    // A next link that does not move forward would loop for ever.
    page = result.nextPage !== undefined && result.nextPage > page ? result.nextPage : undefined;
  }
  return { slots: mergeSlotPages(...pages), ...(page !== undefined ? { nextPage: page } : {}), total };
}

function a016(client: ErsClient): OperationSpec {
  return { id: 'A016', method: 'post', path: stu3Path(client.flavour, 'Appointment'), auth: 'user-and-role', idempotent: false };
}

/** A016 book one slot. Not idempotent: never re-sent here. */
export async function bookSlot(client: ErsClient, referral: BookableReferral, serviceId: string, slot: FreeSlot): Promise<AppointmentSummary> {
  enforce('A016', [...checkUbrn(referral.ubrn), ...checkNhsNumber(referral.nhsNumber)]);
  const body = buildBookAppointment({ ...referral, serviceId }, slot);
  const { data, response } = await client.request(a016(client), { json: body, timeoutMs: PAS_WAIT_MS }, storedAppointmentSchema);
  return parseAppointment(data, response.headers.get('ETag'));
}

/** A016 defer to the provider with one of the three reasons the contract allows. */
export async function deferToProvider(
  client: ErsClient,
  referral: BookableReferral,
  serviceId: string,
  reason: DeferReason,
  options: { slot?: string; comment?: string } = {},
): Promise<AppointmentSummary> {
  enforce('A016', [
    ...checkUbrn(referral.ubrn),
    ...checkNhsNumber(referral.nhsNumber),
    ...(reason === 'SLOT_NOT_AVAILABLE' && !options.slot ? [{ code: 'MISSING_VALUE', diagnostics: 'a SLOT_NOT_AVAILABLE deferral quotes the slot' }] : []),
  ]);
  const body = buildDeferAppointment({ ...referral, serviceId }, reason, options);
  const { data, response } = await client.request(a016(client), { json: body, timeoutMs: PAS_WAIT_MS }, storedAppointmentSchema);
  return parseAppointment(data, response.headers.get('ETag'));
}

function requirePlatform(client: ErsClient, operation: string): void {
  if (client.flavour !== 'platform')
    throw new ErsError({
      kind: 'rule',
      operation,
      message: 'Booking from here needs the current e-RS connection, not the older (smartcard) one: book in the e-RS web application, or ask NHS IT.',
    });
}

/** A033: one service (R4). */
export async function getService(client: ErsClient, id: string): Promise<ServiceDetails> {
  requirePlatform(client, 'A033');
  const op: OperationSpec = { id: 'A033', method: 'get', path: `R4/HealthcareService/${encodeURIComponent(id)}`, auth: 'user-and-role', idempotent: true };
  return parseHealthcareService((await client.request(op, {}, healthcareServiceSchema)).data);
}

/** A035: up to 20 services in one call (ids that match nothing are left out). */
export async function getServices(client: ErsClient, ids: readonly string[]): Promise<ServiceDetails[]> {
  requirePlatform(client, 'A035');
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  enforce('A035', unique.length > 20 ? [{ code: 'TOO_MANY_ITEMS', diagnostics: 'at most 20 service ids' }] : []);
  const op: OperationSpec = {
    id: 'A035',
    method: 'get',
    path: `R4/HealthcareService?_id=${unique.map(encodeURIComponent).join(',')}`,
    auth: 'user-and-role',
    idempotent: true,
  };
  return (await client.request(op, {}, healthcareServiceBundleSchema)).data.entry.map((e) => parseHealthcareService(e.resource));
}

/** A037: the service's current version (ETag) without its body. */
export async function getServiceVersion(client: ErsClient, id: string): Promise<string | undefined> {
  requirePlatform(client, 'A037');
  const op: OperationSpec = { id: 'A037', method: 'head', path: `R4/HealthcareService/${encodeURIComponent(id)}`, auth: 'user-and-role', idempotent: true };
  return (await client.requestNoBody(op, {})).headers.get('ETag') ?? undefined;
}

/** A038: the referral's current appointment (id from A005's appointment reference). */
export async function getAppointment(client: ErsClient, id: string): Promise<{ summary: AppointmentSummary; resource: StoredAppointment }> {
  requirePlatform(client, 'A038');
  const op: OperationSpec = { id: 'A038', method: 'get', path: `STU3/Appointment/${encodeURIComponent(id)}`, auth: 'user-and-role', idempotent: true };
  const { data, response } = await client.request(op, {}, storedAppointmentSchema);
  return { summary: parseAppointment(data, response.headers.get('ETag')), resource: data };
}

/** A034: cancel the current directly booked appointment. `etag` is the appointment's, from A038. */
export async function cancelAppointment(
  client: ErsClient,
  current: { resource: StoredAppointment; etag: string },
  reason: { system: string; code: string; commentIsMandatory?: boolean },
  comment?: string,
): Promise<AppointmentSummary> {
  requirePlatform(client, 'A034');
  enforce('A034', [
    ...ruleIfMatch(current.etag),
    ...(reason.commentIsMandatory && !comment?.trim() ? [{ code: 'MISSING_VALUE', diagnostics: "'comment' is missing." }] : []),
    ...(current.resource.status !== 'booked' || !current.resource.start
      ? [{ code: 'INVALID_REQUEST_STATE', diagnostics: 'only a directly booked appointment can be cancelled' }]
      : []),
  ]);
  const op: OperationSpec = {
    id: 'A034',
    method: 'put',
    path: `STU3/Appointment/${encodeURIComponent(current.resource.id)}`,
    auth: 'user-and-role',
    idempotent: false,
  };
  const body = buildCancelAppointment(current.resource, reason, comment?.trim() || undefined);
  const { data, response } = await client.request(op, { json: body, headers: { 'If-Match': current.etag }, timeoutMs: PAS_WAIT_MS }, storedAppointmentSchema);
  return parseAppointment(data, response.headers.get('ETag'));
}

/** A031: replace the shortlist of a referral that has no live booking, deferral or triage. */
export async function changeShortlist(
  client: ErsClient,
  input: {
    ubrn: string;
    etag: string;
    criteria: ParametersResource;
    shortlist: ShortlistEntry[];
    letterIntention?: LetterIntention;
    firstReminderLetterFollowUpDays?: number;
  },
): Promise<ReferralSummary> {
  requirePlatform(client, 'A031');
  const letterIntention = input.letterIntention ?? 'NEED_TO_ADD_LATER';
  enforce('A031', [
    ...checkUbrn(input.ubrn),
    ...ruleIfMatch(input.etag),
    ...checkShortlist(input.shortlist, 'A011'),
    ...checkLetterIntention(input.shortlist, letterIntention),
  ]);
  const op: OperationSpec = {
    id: 'A031',
    method: 'post',
    path: `STU3/ReferralRequest/${input.ubrn}/$ers.changeShortlist`,
    auth: 'user-and-role',
    idempotent: false,
  };
  const body = buildChangeShortlist({
    criteria: input.criteria,
    serviceIds: input.shortlist.map((s) => s.id),
    letterIntention,
    firstReminderLetterFollowUpDays: input.firstReminderLetterFollowUpDays ?? 0,
  });
  const { data, response } = await client.request(op, { json: body, headers: { 'If-Match': input.etag } }, referralRequestSchema);
  return parseReferral(data, response.headers.get('ETag'));
}
