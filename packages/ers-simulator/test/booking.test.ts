// Booking over real HTTP: A015 slots (paging, filters, errors), A016 book and defer with their
// rules and PAS faults, A038, A034, A031, the R4 service views and the confirmation letter.

import { describe, expect, it } from 'vitest';
import { ADAMS_RC_R68, P, expectOutcome, platformHeaders, platformPost, shortlist, useSimulator } from './helpers';

const sim = useSimulator();

const UBRN = '000000070001'; // seeded: ROUTINE, version 3, shortlist 11002 (directly bookable), commissioned by R69
const h = (extra: Record<string, string> = {}) => platformHeaders(sim, ADAMS_RC_R68, extra);
const get = (path: string, extra: Record<string, string> = {}) => fetch(sim.url + P + path, { headers: h(extra) });
const slots = (service: string, q = '_count=20&page=1', org = 'R69') =>
  get(`/Slot?schedule.actor%3AHealthcareService=${service}&appointmentType=ROUTINE&status=free&${q}`, org ? { 'NHSD-eRS-Comm-Rule-Org': org } : {});
const referral = async (ubrn = UBRN) => (await get(`/ReferralRequest/${ubrn}`)).json();
const stateOf = (r: { extension: { url: string; extension?: { url: string; valueCoding?: { code: string } }[] }[] }) =>
  r.extension.find((e) => e.url.endsWith('Extension-eRS-ReferralState-1'))?.extension?.find((e) => e.url === 'state')?.valueCoding?.code;

type Slot = { id: string; start: string; end: string; schedule: { reference: string } };

/** A016: book `slot` with `clinician` on version 3 of the referral, as Dr Adams. */
const bookV3 = (slot: Slot, clinician?: string) =>
  platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment({ version: '3', status: 'booked', slot, clinician }));

/** A019: the referral's patient letter as a PDF. */
const patientLetter = () =>
  fetch(`${sim.url}${P}/ReferralRequest/${UBRN}/$ers.generatePatientLetter`, { method: 'POST', headers: h({ Accept: 'application/pdf' }) });

async function firstSlot(service = '11002'): Promise<{ slot: Slot; clinician?: string }> {
  const bundle = await (await slots(service)).json();
  const slot = bundle.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Slot').resource as Slot;
  const schedule = bundle.entry.find((e: { resource: { id: string } }) => `Schedule/${e.resource.id}` === slot.schedule.reference).resource;
  return { slot, clinician: schedule.actor[1]?.identifier.value };
}

function appointment(opts: {
  version: string;
  service?: string;
  status: 'booked' | 'proposed';
  slot?: Slot;
  clinician?: string;
  reason?: string;
  slotRef?: string;
  ubrn?: string;
}) {
  return {
    resourceType: 'Appointment',
    id: 'appointment',
    meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-Appointment-1'] },
    language: 'en',
    status: opts.status,
    ...(opts.reason ? { reason: [{ coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReviewReason-1', code: opts.reason }] }] } : {}),
    description: 'e-Referral Appointment',
    ...(opts.slot ? { start: opts.slot.start, end: opts.slot.end, slot: [{ reference: `Slot/${opts.slot.id}` }] } : {}),
    ...(opts.slotRef ? { slot: [{ reference: opts.slotRef }] } : {}),
    incomingReferral: [{ reference: `ReferralRequest/${opts.ubrn ?? UBRN}/_history/${opts.version}` }],
    participant: [
      { actor: { identifier: { system: 'http://fhir.nhs.net/Id/ers-service', value: opts.service ?? '11002' } }, status: 'accepted' },
      { actor: { identifier: { system: 'http://fhir.nhs.net/Id/nhs-number', value: '9912003888' } }, status: 'accepted' },
      ...(opts.clinician
        ? [
            {
              type: { coding: [{ system: 'http://hl7.org/fhir/ValueSet/encounter-participant-type', code: 'CON' }] },
              actor: { identifier: { system: 'http://fhir.nhs.net/Id/sds-user-id', value: opts.clinician } },
              status: 'accepted',
            },
          ]
        : []),
    ],
  };
}

describe('A015 slots', () => {
  it('pages through a service with many slots by next links; beyond the last page is 400 INVALID_VALUE', async () => {
    const p1 = await (await slots('11031')).json();
    expect(p1.total).toBe(45);
    expect(p1.link.map((l: { relation: string }) => l.relation)).toEqual(['self', 'next']);
    const next = new URL(p1.link[1].url);
    expect(next.searchParams.get('page')).toBe('2');
    const p3 = await (await slots('11031', '_count=20&page=3')).json();
    expect(p3.link.map((l: { relation: string }) => l.relation)).toEqual(['self', 'previous']);
    expect(p3.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'match')).toHaveLength(5);
    await expectOutcome(await slots('11031', '_count=20&page=4'), 400, 'INVALID_VALUE');
    await expectOutcome(await slots('11031', '_count=101&page=1'), 400, 'INVALID_VALUE');
  });

  it('schedules name the clinician only for named-clinician slots; the clinician filter keeps only theirs', async () => {
    const bundle = await (await slots('11002')).json();
    const schedules = bundle.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Schedule');
    expect(schedules.some((s: { resource: { actor: unknown[] } }) => s.resource.actor.length === 2)).toBe(true);
    expect(schedules.some((s: { resource: { actor: unknown[] } }) => s.resource.actor.length === 1)).toBe(true);
    const { clinician } = (await firstSlotWithClinician()) ?? {};
    const only = await (await slots('11002', `_count=20&page=1&schedule.actor%3APractitioner=${clinician}`)).json();
    expect(only.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Schedule')).toHaveLength(1);
  });

  it('refuses a missing Comm-Rule-Org header, a triage service, and serves an empty bundle for a service with no slots', async () => {
    await expectOutcome(await slots('11002', '_count=20&page=1', ''), 400, 'MISSING_HEADER');
    await expectOutcome(await slots('50001'), 400, 'INVALID_STATE');
    const none = await (await slots('11021')).json();
    expect([none.total, none.entry]).toEqual([0, []]);
  });
});

async function firstSlotWithClinician() {
  const bundle = await (await slots('11002')).json();
  const schedule = bundle.entry.find(
    (e: { resource: { resourceType: string; actor?: unknown[] } }) => e.resource.resourceType === 'Schedule' && e.resource.actor?.length === 2,
  );
  return schedule ? { clinician: schedule.resource.actor[1].identifier.value as string } : undefined;
}

describe('A016 book and defer', () => {
  it('books: 201 version 0, the referral BOOKED two versions on, the slot gone; booking it again is SLOT_NOT_AVAILABLE', async () => {
    const { slot, clinician } = await firstSlot();
    const res = await bookV3(slot, clinician);
    expect(res.status).toBe(201);
    const appt = await res.json();
    expect([appt.status, appt.meta.versionId, res.headers.get('etag')]).toEqual(['booked', '0', 'W/"0"']);
    expect(appt.incomingReferral[0].reference).toBe(`ReferralRequest/${UBRN}/_history/5`);
    const r = await referral();
    expect([r.meta.versionId, stateOf(r)]).toEqual(['5', 'BOOKED']);
    const again = await (await slots('11002')).json();
    expect(again.entry.some((e: { resource: { id: string } }) => e.resource.id === slot.id)).toBe(false);
    // The other seeded referral shortlists 11002 too: the slot is taken.
    await expectOutcome(
      await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment({ version: '5', status: 'booked', slot, clinician, ubrn: '000000070000' })),
      422,
      'SLOT_NOT_AVAILABLE',
    );
  });

  it('a stale version is 409; wrong times or a missing clinician participant is INAPPROPRIATE_SLOT', async () => {
    const { slot, clinician } = await firstSlot();
    await expectOutcome(
      await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment({ version: '2', status: 'booked', slot, clinician })),
      409,
      'VERSION_CONFLICT',
    );
    const moved = { ...slot, start: new Date(Date.parse(slot.start) + 60_000).toISOString() };
    await expectOutcome(
      await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment({ version: '3', status: 'booked', slot: moved, clinician })),
      422,
      'INAPPROPRIATE_SLOT',
    );
    const named = await firstSlotWithClinician();
    const bundle = await (await slots('11002', `_count=20&page=1&schedule.actor%3APractitioner=${named!.clinician}`)).json();
    const theirs = bundle.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Slot').resource;
    await expectOutcome(
      await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment({ version: '3', status: 'booked', slot: theirs })),
      422,
      'INAPPROPRIATE_SLOT',
    );
  });

  it('defers: NO_SLOTS_AT_SERVICE is refused while slots exist, accepted when none; SLOT_NOT_AVAILABLE quoting a free slot is refused', async () => {
    await expectOutcome(
      await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment({ version: '3', status: 'proposed', reason: 'NO_SLOTS_AT_SERVICE' })),
      422,
      'SLOTS_CURRENTLY_AVAILABLE',
    );
    const { slot } = await firstSlot();
    await expectOutcome(
      await platformPost(
        sim,
        ADAMS_RC_R68,
        '/Appointment',
        appointment({ version: '3', status: 'proposed', reason: 'SLOT_NOT_AVAILABLE', slotRef: `Slot/${slot.id}` }),
      ),
      422,
      'THIS_SLOT_IS_AVAILABLE',
    );
    await fetch(`${sim.url}/_admin/slots`, { method: 'POST', body: JSON.stringify({ serviceId: '11002', profile: 'none' }) });
    const res = await platformPost(sim, ADAMS_RC_R68, '/Appointment', appointment({ version: '3', status: 'proposed', reason: 'NO_SLOTS_AT_SERVICE' }));
    expect(res.status).toBe(201);
    expect((await res.json()).meta.versionId).toBe('1');
    const r = await referral();
    expect(stateOf(r)).toBe('DEFERRED_TO_PROVIDER');
    const letter = await patientLetter();
    expect(letter.headers.get('content-disposition')).toContain('_Deferral_Summary_');
  });

  it('PAS 504 after the booking was made: the error comes back, and the referral reads BOOKED', async () => {
    const { slot, clinician } = await firstSlot();
    sim.injectFault({ route: 'A016', kind: 'pas', status: 504, applied: true });
    await expectOutcome(await bookV3(slot, clinician), 504, 'PAS_NOT_RESPONDING');
    expect(stateOf(await referral())).toBe('BOOKED');
  });

  it('PAS 502 without the booking: nothing changed; slot taken between listing and booking: SLOT_NOT_AVAILABLE', async () => {
    const { slot, clinician } = await firstSlot();
    sim.injectFault({ route: 'A016', kind: 'pas', status: 502, applied: false });
    await expectOutcome(await bookV3(slot, clinician), 502, 'PAS_RESPONDED_WITH_ERROR');
    const r = await referral();
    expect([r.meta.versionId, stateOf(r)]).toEqual(['3', 'NOT_BOOKED']);
    sim.injectFault({ route: 'A016', kind: 'slot-taken' });
    await expectOutcome(await bookV3(slot, clinician), 422, 'SLOT_NOT_AVAILABLE');
  });
});

describe('A038, A034, A019 and A031 after a booking', () => {
  it('reads the appointment, cancels it with a reason (comment when mandatory), frees the slot, and lets the shortlist change', async () => {
    const { slot, clinician } = await firstSlot();
    const booked = await (await bookV3(slot, clinician)).json();
    const letter = await patientLetter();
    expect(letter.headers.get('content-disposition')).toContain('_Appointment_Confirmation_Summary_');
    const read = await get(`/Appointment/${booked.id}`);
    expect(read.headers.get('etag')).toBe('W/"0"');
    const current = await read.json();
    expect(current.start).toBe(slot.start);
    const reasonSystem = `${sim.url}${P}/CodeSystem/APPOINTMENT-CANCELLATION-REASON`;
    const cancel = (code: string, comment?: string, ifMatch = 'W/"0"') =>
      fetch(`${sim.url}${P}/Appointment/${booked.id}`, {
        method: 'PUT',
        headers: h({ 'If-Match': ifMatch }),
        body: JSON.stringify({ ...current, status: 'cancelled', reason: [{ coding: [{ system: reasonSystem, code }] }], ...(comment ? { comment } : {}) }),
      });
    await expectOutcome(await cancel('PATIENT_OTHER_ENGAGEMENT'), 422, 'MISSING_VALUE');
    await expectOutcome(await cancel('INTEND_PRIVATE'), 422, 'INVALID_VALUE');
    await expectOutcome(await cancel('PATIENT_ILL', undefined, 'W/"7"'), 409, 'VERSION_CONFLICT');
    const done = await cancel('PATIENT_ILL');
    expect(done.status).toBe(200);
    expect((await done.json()).meta.versionId).toBe('1');
    const r = await referral();
    expect(stateOf(r)).toBe('APP_CANCELLED_BY_PATIENT');
    expect((await (await slots('11002')).json()).entry.some((e: { resource: { id: string } }) => e.resource.id === slot.id)).toBe(true);

    const criteria = r.contained.find((c: { resourceType: string }) => c.resourceType === 'Parameters');
    const change = {
      resourceType: 'Parameters',
      meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-ChangeShortlist-Parameters-1'] },
      parameter: [
        { name: 'shortlist', resource: shortlist(criteria, ['11007', '11008']) },
        {
          name: 'intentionToAddReferralLetter',
          valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReferralLetterIntention-1', code: 'NEED_TO_ADD_LATER' },
        },
        { name: 'firstReminderLetterFollowUpDays', valueUnsignedInt: 0 },
      ],
    };
    const changed = await platformPost(sim, ADAMS_RC_R68, `/ReferralRequest/${UBRN}/$ers.changeShortlist`, change, { 'If-Match': `W/"${r.meta.versionId}"` });
    expect(changed.status).toBe(200);
    const after = await changed.json();
    expect(stateOf(after)).toBe('NOT_BOOKED');
    expect(
      after.contained
        .find((c: { resourceType: string }) => c.resourceType === 'List')
        .entry.map((e: { item: { identifier: { value: string } } }) => e.item.identifier.value),
    ).toEqual(['11007', '11008']);
    await expectOutcome(await get(`/Appointment/${booked.id}`), 404, 'REFERENCE_NOT_FOUND');
  });
});

describe('A033 / A035 / A037 (R4)', () => {
  it('serves a DBS and a triage service with their kinds, a search by ids, and the version by HEAD', async () => {
    const r4 = (path: string, method = 'GET') => fetch(`${sim.url}/referrals/FHIR/R4${path}`, { method, headers: h() });
    const dbs = await (await r4('/HealthcareService/11002')).json();
    expect(dbs.characteristic.map((c: { coding: { code: string }[] }) => c.coding[0].code)).toEqual(['BOOKABLE', 'DIRECTLY_BOOKABLE']);
    const ras = await (await r4('/HealthcareService/50001')).json();
    expect(ras.characteristic.map((c: { coding: { code: string }[] }) => c.coding[0].code)).toEqual(['REVIEW']);
    const bundle = await (await r4('/HealthcareService?_id=11002,50001,99999')).json();
    expect(bundle.total).toBe(2);
    const head = await r4('/HealthcareService/11002', 'HEAD');
    expect([head.status, head.headers.get('etag')]).toEqual([200, 'W/"1"']);
    expect((await r4('/HealthcareService/99999')).status).toBe(404);
  });
});
