// Conformance of the booking builders and readers with the contract pack: A031 and A034 bodies are
// rebuilt exactly; A015 pages, A033/A035 services and A038 appointments are read as documented.
import { readExample } from 'ers-contract/files';
import { describe, expect, it } from 'vitest';
import {
  buildBookAppointment,
  buildCancelAppointment,
  buildChangeShortlist,
  buildDeferAppointment,
  buildSearchCriteria,
  buildSlotQuery,
  groupSlotsByDay,
  mergeSlotPages,
  parseAppointment,
  parseHealthcareService,
  parseSlotPage,
} from '../../utils/ers';
import { healthcareServiceBundleSchema, healthcareServiceSchema, slotPageSchema, storedAppointmentSchema } from '../../utils/ers/booking-schemas';
import { CANCEL_CASES, CHANGE_SHORTLIST_CASES, SPECIALTY_SYSTEM } from './booking-conformance-inputs';

describe('booking builders reproduce the examples', () => {
  it.each(CHANGE_SHORTLIST_CASES)('A031 $file', (c) => {
    const body = buildChangeShortlist({
      criteria: buildSearchCriteria(c.criteria, { specialtySystem: SPECIALTY_SYSTEM }),
      serviceIds: c.serviceIds,
      letterIntention: c.letterIntention,
      firstReminderLetterFollowUpDays: c.days,
      shortlistLast: 'shortlistLast' in c ? c.shortlistLast : undefined,
    });
    expect(body).toStrictEqual(readExample<any>(c.file));
  });

  it.each(CANCEL_CASES)('A034 $file: the A038 appointment, cancelled with the reason and comment', ({ file }) => {
    const example = readExample<any>(file);
    const { reason, comment, status: _status, ...rest } = example;
    // What A038 gave before the cancel: booked, with times, slot and created, which A034 does not send back.
    const current = storedAppointmentSchema.parse({
      ...rest,
      status: 'booked',
      start: '2022-03-01T08:00:00.000Z',
      end: '2022-03-01T09:00:00.000Z',
      slot: [{ reference: 'Slot/410241' }],
      created: '2022-02-24T14:02:37.672Z',
    });
    expect(buildCancelAppointment(current, reason[0].coding[0], comment)).toStrictEqual(example);
  });

  it('A016 book from an A015 slot: named-clinician participant only when the Schedule names one', () => {
    const page = parseSlotPage(slotPageSchema.parse(readExample<any>('platform/A015_response_Page1With2Schedules.json')));
    const named = page.slots.find((s) => s.clinician);
    const plain = page.slots.find((s) => !s.clinician);
    expect(named?.clinician).toBe('921600556514');
    expect(plain).toBeDefined();
    const referral = { ubrn: '000000070000', version: '6', nhsNumber: '9912003888', serviceId: '11008' };
    const withClinician = buildBookAppointment(referral, {
      ...named!,
      clinician: '021600556514',
      reference: 'Slot/11008006',
      start: '2022-07-11T13:15:00+00:00',
      end: '2022-07-11T14:15:00+00:00',
    });
    expect(withClinician).toStrictEqual(readExample<any>('platform/A016_request_BookingWithNamedClinician.json'));
    const minimal = readExample<any>('platform/A016_request_MinimalBooking.json');
    const ref = minimal.incomingReferral[0].reference.split('/');
    const built = buildBookAppointment(
      { ubrn: ref[1], version: ref[3], nhsNumber: minimal.participant[1].actor.identifier.value, serviceId: minimal.participant[0].actor.identifier.value },
      { reference: minimal.slot[0].reference, start: minimal.start, end: minimal.end },
    );
    expect(built).toStrictEqual(minimal);
  });

  it.each([
    ['platform/A016_request_MinimalDeferral.json', 'NO_SLOTS_AT_SERVICE'],
    ['platform/A016_request_DeferralWithSlotReference.json', 'SLOT_NOT_AVAILABLE'],
    ['platform/A016_request_DeferralBookingAttemptProblem.json', 'BOOKING_ATTEMPT_PROBLEM'],
  ] as const)('A016 defer %s', (file, reason) => {
    const example = readExample<any>(file);
    expect(example.reason[0].coding[0].code).toBe(reason);
    const ref = example.incomingReferral[0].reference.split('/');
    const built = buildDeferAppointment(
      { ubrn: ref[1], version: ref[3], nhsNumber: example.participant[1].actor.identifier.value, serviceId: example.participant[0].actor.identifier.value },
      reason,
      { slot: example.slot?.[0]?.reference, comment: example.comment },
    );
    expect(built).toStrictEqual(example);
  });

  it('A015 query: the parameters of the examples, with the clinician filter spelt as e-RS wants it', () => {
    const self = readExample<any>('platform/A015_response_SlotClinicianSearch.json').link[0].url as string;
    const expected = new URLSearchParams(self.slice(self.indexOf('?') + 1));
    const built = buildSlotQuery({ serviceId: '14000', priority: 'ROUTINE', clinician: '921600556514', pageSize: 5, page: 1 });
    expect([...built].sort()).toEqual([...expected].sort());
  });
});

describe('booking readers', () => {
  it('A015 pages: total, next page, slots earliest first; overlapping pages merge by id', () => {
    const p1 = parseSlotPage(slotPageSchema.parse(readExample<any>('platform/A015_response_Page1PageSize5.json')));
    const p2 = parseSlotPage(slotPageSchema.parse(readExample<any>('platform/A015_response_Page2PageSize5.json')));
    expect(p1.nextPage).toBe(2);
    expect(p2.nextPage).toBe(3);
    expect(p2.total).toBe(12);
    const merged = mergeSlotPages(p1.slots, p2.slots, p1.slots.slice(0, 2));
    expect(merged).toHaveLength(new Set([...p1.slots, ...p2.slots].map((s) => s.id)).size);
    expect(merged.map((s) => s.start)).toEqual([...merged.map((s) => s.start)].sort((a, b) => Date.parse(a) - Date.parse(b)));
    expect(parseSlotPage(slotPageSchema.parse(readExample<any>('platform/A015_response_NoSlots.json'))).slots).toEqual([]);
  });

  it('groups slots by UK calendar day (a 23:30 UTC slot in summer is the next day)', () => {
    const days = groupSlotsByDay([
      { id: 'b', reference: 'Slot/b', start: '2026-07-01T23:30:00Z', end: '2026-07-02T00:00:00Z' },
      { id: 'a', reference: 'Slot/a', start: '2026-07-01T09:00:00Z', end: '2026-07-01T09:30:00Z' },
    ]);
    expect(days.map((d) => [d.day, d.slots.map((s) => s.id)])).toEqual([
      ['2026-07-01', ['a']],
      ['2026-07-02', ['b']],
    ]);
  });

  it('A033/A035: directly bookable, contacts (patient phone first), `type` as one object or an array', () => {
    const full = parseHealthcareService(healthcareServiceSchema.parse(readExample<any>('platform/A033_response_sampleServiceWithFullAttributes.json')));
    expect(full).toMatchObject({ id: '2', version: '1', kind: 'DBS', siteCode: 'R6901', appointmentTypes: ['DAY_CASE'], hours: '9-5 Mon-Fri' });
    expect(full.contacts[0]).toEqual({ purpose: 'PATINF', system: 'phone', value: '01234567890' });
    const minimal = parseHealthcareService(healthcareServiceSchema.parse(readExample<any>('platform/A033_response_sampleServiceWithMinimumAttributes.json')));
    expect(minimal.kind).toBe('UNKNOWN');
    const single = { ...readExample<any>('platform/A033_response_sampleServiceWithFullAttributes.json') };
    single.type = single.type[0];
    expect(parseHealthcareService(healthcareServiceSchema.parse(single)).appointmentTypes).toEqual(['DAY_CASE']);
    const ibs = structuredClone(readExample<any>('platform/A033_response_sampleServiceWithFullAttributes.json'));
    ibs.characteristic[1].coding[0].code = 'INDIRECTLY_BOOKABLE';
    expect(parseHealthcareService(healthcareServiceSchema.parse(ibs)).kind).toBe('IBS');
    expect(healthcareServiceBundleSchema.parse(readExample<any>('platform/A035_response_searchServiceWithEmptyResponse.json')).entry).toEqual([]);
  });

  it('A038: booked DBS with times and slot; a deferral with its reason; the referral version it names', () => {
    const booked = parseAppointment(storedAppointmentSchema.parse(readExample<any>('platform/A038_response_BookedDBS.json')), 'W/"5"');
    expect(booked).toMatchObject({
      id: '70000',
      etag: 'W/"5"',
      status: 'booked',
      slot: 'Slot/410241',
      serviceName: 'Direct SVC 1',
      ubrn: '000000070000',
      referralVersion: '6',
    });
    const deferred = parseAppointment(storedAppointmentSchema.parse(readExample<any>('platform/A038_response_AppointmentDeferral.json')));
    expect(deferred).toMatchObject({ status: 'proposed', reason: 'NO_SLOTS_AT_SERVICE' });
  });
});
