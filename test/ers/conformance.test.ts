// Conformance with the contract pack: every example request is reproduced exactly by the builders
// from plain inputs, and every example response parses with the client's zod schemas.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildAppointment,
  buildCreateReferral,
  buildCancelReferral,
  buildFetchWorklist,
  cancellationReasons,
  cancelledReferralOf,
  cancelReferralResponseSchema,
  parseAvailableActions,
  parseWorklist,
  taskBundleSchema,
  REFERRER_WORKLISTS,
  buildCreateReferralAndSendForTriage,
  buildCreateSession,
  buildMaintainReferralLetter,
  buildPatientServiceSearch,
  buildSearchCriteria,
  buildSelectRole,
  parseConcepts,
  parseReferral,
  parseRoles,
  parseServices,
} from '../../utils/ers';
import * as schemas from '../../utils/ers/schemas';
import { healthcareServiceBundleSchema, healthcareServiceSchema, slotPageSchema, storedAppointmentSchema } from '../../utils/ers/booking-schemas';
import { communicationRequestSchema, conversationBundleSchema, createAdviceResponseSchema } from '../../utils/ers/advice';
import { ADVICE_CASES } from './advice-inputs';
import { APPOINTMENT_CASES, CREATE_CASES, LETTER_CASES, SEARCH_CASES } from './conformance-inputs';
import { CANCEL_CASES as CANCEL_APPOINTMENT_CASES, CHANGE_SHORTLIST_CASES } from './booking-conformance-inputs';
import { EXAMPLES_DIR as FIXTURES, readExample } from 'ers-contract/files';

const list = (dir: string) => readdirSync(path.join(FIXTURES, dir)).map((f) => `${dir}/${f}`);

describe('request builders reproduce every example request', () => {
  it.each(SEARCH_CASES)('A010 $file', ({ file, search, criteria, specialtySystem }) => {
    const body = buildPatientServiceSearch({ ...search, criteria: buildSearchCriteria(criteria, { specialtySystem }) });
    expect(body).toStrictEqual(readExample<any>(file));
  });

  it.each(CREATE_CASES)('$op $file', ({ file, op, input, criteria, specialtySystem }) => {
    const built = buildSearchCriteria(criteria, { specialtySystem });
    const body =
      op === 'A021'
        ? buildCreateReferralAndSendForTriage({
            nhsNumber: input.nhsNumber,
            referringClinician: input.referringClinician,
            criteria: built,
            serviceIds: input.serviceIds,
          })
        : buildCreateReferral({ ...input, criteria: built });
    expect(body).toStrictEqual(readExample<any>(file));
  });

  it.each(LETTER_CASES)('A012 $file', ({ file, files, typeDisplay }) => {
    expect(buildMaintainReferralLetter(files, { typeDisplay: typeDisplay ?? undefined })).toStrictEqual(readExample<any>(file));
  });

  it.each(APPOINTMENT_CASES)('A016 $file', ({ file, flavour, input }) => {
    expect(buildAppointment(input as Parameters<typeof buildAppointment>[0], { flavour })).toStrictEqual(readExample<any>(file));
  });

  const WORKLIST_CASES = REFERRER_WORKLISTS.map((listType) => ({
    listType,
    file: `platform/A008_request_Minimal${listType.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}.json`,
  }));
  it.each(WORKLIST_CASES)('A008 $file', ({ listType, file }) => {
    expect(buildFetchWorklist(listType)).toStrictEqual(readExample<any>(file));
  });

  // A036: each example's reason and comment, with the examples' own system placeholder.
  const CANCEL_CASES = list('platform')
    .filter((f) => /A036_request_/.test(f))
    .map((file) => {
      const params = readExample<any>(file).parameter as { name: string; valueCoding?: { system: string; code: string }; valueString?: string }[];
      const reason = params.find((p) => p.name === 'cancellationReason')!.valueCoding!;
      return { file, reasonSystem: reason.system, reason: reason.code, comment: params.find((p) => p.name === 'cancellationComments')?.valueString };
    });
  it.each(CANCEL_CASES)('A036 $file', ({ file, reasonSystem, reason, comment }) => {
    expect(buildCancelReferral({ reasonSystem, reason, comment })).toStrictEqual(readExample<any>(file));
  });

  it('A036 leaves out a comment that is only spaces', () => {
    expect(buildCancelReferral({ reasonSystem: 's', reason: 'RAISED_IN_ERROR', comment: '   ' }).parameter).toHaveLength(1);
  });

  it("A001 legacy: the create-session body, without the example token's stray leading space", () => {
    const example = readExample<any>('legacy/A001_request.json');
    expect(buildCreateSession(example.token)).toStrictEqual({ ...example, token: example.token.trim() });
  });

  it('A002 legacy: the full session echoed back with the chosen permission', () => {
    const session = readExample<any>('legacy/A001_response.json');
    const body = buildSelectRole(session, { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01', orgName: 'NHST_X3' });
    expect(body).toStrictEqual(readExample<any>('legacy/A002_request.CONSTRUCTED-full-session-echo.json'));
  });

  it('A002 legacy: the published minimal form (corrected to valid JSON)', () => {
    const session = readExample<any>('legacy/A001_response.json');
    const body = buildSelectRole(session, { businessFunction: 'SERVICE_PROVIDER_CLINICIAN', orgIdentifier: 'R01' }, { minimal: true });
    expect(body).toStrictEqual(readExample<any>('legacy/A002_request.corrected-minimal.json'));
  });

  it('never produces the fields e-RS 9.1 removed (the OBSOLETE examples)', () => {
    for (const file of list('legacy').filter((f) => f.includes('OBSOLETE'))) {
      expect(readExample<any>(file).parameter.some((p: { name: string }) => p.name === 'contentSensitive')).toBe(true);
    }
    const { input, criteria, specialtySystem } = CREATE_CASES[0];
    const body = JSON.stringify(buildCreateReferral({ ...input, criteria: buildSearchCriteria(criteria, { specialtySystem }) }));
    expect(body).not.toContain('contentSensitive');
    expect(body).not.toContain('unaccreditedComment');
  });

  it('covers every request example in the pack that is valid JSON', () => {
    const covered = new Set(
      [
        ...SEARCH_CASES,
        ...CREATE_CASES,
        ...LETTER_CASES,
        ...APPOINTMENT_CASES,
        ...WORKLIST_CASES,
        ...CANCEL_CASES,
        ...CANCEL_APPOINTMENT_CASES,
        ...CHANGE_SHORTLIST_CASES,
        ...ADVICE_CASES,
      ]
        .map((c) => c.file)
        .concat(['legacy/A001_request.json', 'legacy/A002_request.CONSTRUCTED-full-session-echo.json', 'legacy/A002_request.corrected-minimal.json']),
    );
    const requests = [...list('platform'), ...list('legacy')].filter((f) => f.includes('_request') && f.endsWith('.json') && !f.includes('OBSOLETE'));
    expect(requests.filter((f) => !covered.has(f))).toEqual([]);
  });
});

// Which schema reads which response example, by file-name pattern.
const RESPONSE_SCHEMAS: [RegExp, { safeParse: (d: unknown) => { success: boolean; error?: unknown } }][] = [
  [/A001_response|A002_response/, schemas.professionalSessionSchema],
  [/A004_response/, schemas.codeSystemSchema],
  [/A005_response|A011_response|A012_response|A021_response/, schemas.referralRequestSchema],
  [/A010_response/, schemas.fetchServicesListSchema],
  [/A015_response_(Minimum|NoSlots|Page|SlotClinician)/, slotPageSchema],
  [/legacy\/A015_response/, schemas.slotBundleSchema],
  [/A015_response_ErrorPage5|A034_response_Cancellation(InvalidReason|ReasonOnlyCommentMandatory)/, schemas.operationOutcomeSchema],
  [/A016_response/, schemas.appointmentSchema],
  [/A016_response|A034_response_(CancellationReasonAndMandatoryComment|Minimal)|A038_response/, storedAppointmentSchema],
  [/A033_response/, healthcareServiceSchema],
  [/A035_response/, healthcareServiceBundleSchema],
  [/A031_response/, schemas.referralRequestSchema],
  [/A030_response/, schemas.practitionerRoleBundleSchema],
  [/A044_response/, createAdviceResponseSchema],
  [/A024_response/, communicationRequestSchema],
  [/A025_response/, conversationBundleSchema],
  [/A008_response/, schemas.worklistSchema],
  [/A029_response/, taskBundleSchema],
  [/A036_response/, cancelReferralResponseSchema],
  [/^errors\//, schemas.operationOutcomeSchema],
];

describe('zod schemas parse every example response', () => {
  const responses = [...list('platform'), ...list('legacy'), ...list('errors')].filter(
    (f) => (f.includes('_response') || f.startsWith('errors/')) && f.endsWith('.json'),
  );

  it.each(responses)('%s', (file) => {
    // Every schema whose pattern names the file must read it (A016's answer is read by two).
    const entries = RESPONSE_SCHEMAS.filter(([pattern]) => pattern.test(file));
    expect(entries.length, `no schema for ${file}`).toBeGreaterThan(0);
    for (const [, schema] of entries) {
      const result = schema.safeParse(readExample<any>(file));
      expect(result.success, JSON.stringify(result.error)).toBe(true);
    }
  });

  it('reads the services of a search: names, DBS/IBS/RAS, distance and wait', () => {
    const services = parseServices(schemas.fetchServicesListSchema.parse(readExample<any>('platform/A010_response_FetchServiceListWithMultipleServices.json')));
    expect(services.map((s) => s.id)).toEqual(['11030', '11021', '11010', '11007', '11008', '11002']);
    expect(services.every((s) => s.name.length > 0 && s.bookableType)).toBe(true);
    const triage = parseServices(schemas.fetchServicesListSchema.parse(readExample<any>('platform/A010_response_TriageAndAppointmentRequestType.json')));
    expect(triage[0].isTriage).toBe(true);
    const legacy = parseServices(schemas.fetchServicesListSchema.parse(readExample<any>('legacy/A010_response.json')));
    expect(legacy.find((s) => s.id === '90636')).toMatchObject({ distance: 7, wait: 17, bookableType: 'DIRECTLY_BOOKABLE' });
    expect(parseServices(schemas.fetchServicesListSchema.parse(readExample<any>('platform/A010_response_EmptyResponse.json')))).toEqual([]);
  });

  it('reads a created referral: UBRN, version, ETag, priority, state, shortlist', () => {
    const r = parseReferral(schemas.referralRequestSchema.parse(readExample<any>('platform/A011_response_ReferralRequest.json')), 'W/"3"');
    expect(r).toMatchObject({
      ubrn: '000000070000',
      version: '3',
      etag: 'W/"3"',
      priority: 'URGENT',
      state: 'NOT_BOOKED',
      commissioningRuleOrg: 'R69',
      nhsNumber: '9912003888',
    });
    expect(r.shortlist).toEqual([{ id: '11002', name: 'Good Cardiology Business Service' }]);
    const thin = parseReferral(schemas.referralRequestSchema.parse(readExample<any>('legacy/A011_response.json')));
    expect(thin).toMatchObject({ ubrn: '000000097364', etag: 'W/"3"', priority: 'ROUTINE', shortlist: [], attachments: [] });
  });

  it('reads the letters attached to a referral with their scan status', () => {
    const r = parseReferral(schemas.referralRequestSchema.parse(readExample<any>('platform/A012_response_ReferralRequestWithSingleDocumentReference.json')));
    expect(r.attachments).toEqual([
      expect.objectContaining({
        url: 'Binary/a7c98bb4-c0d0-4094-b26d-8dbd1677edc8',
        title: 'testResults.pdf',
        contentType: 'application/pdf',
        size: 17,
        availability: 'AVAILABLE',
      }),
    ]);
    const triage = parseReferral(schemas.referralRequestSchema.parse(readExample<any>('platform/A021_response_ReferralRequest.json')));
    expect(triage.state).toBe('AWAITING_TRIAGE');
    expect(triage.appointmentReference).toMatch(/^Appointment\//);
  });

  it('reads the referrer worklists of A008: UBRN, patient, created, referrer, status and reason', () => {
    const letters = parseWorklist(schemas.worklistSchema.parse(readExample<any>('platform/A008_response_LettersOutstanding.json')));
    expect(letters[0]).toEqual({
      ubrn: '000000070001',
      nhsNumber: '9462979626',
      priority: 'ROUTINE',
      created: '2021-09-03T14:19:04.702Z',
      referrer: '021600556514',
      clinicalContext: 'ORTHAPEDICS/KNEE',
      letterDue: '2021-09-03',
      lastUpdated: undefined,
      status: undefined,
      reason: undefined,
    });
    expect(letters).toHaveLength(2);
    const awaiting = parseWorklist(schemas.worklistSchema.parse(readExample<any>('platform/A008_response_AwaitingBooking.json')));
    expect(awaiting.map((i) => [i.status, i.reason])).toContainEqual(['APP_CANCELLED_BY_PATIENT', 'PATIENT_HOLIDAY']);
    expect(parseWorklist(schemas.worklistSchema.parse({ resourceType: 'List', status: 'current', mode: 'snapshot' }))).toEqual([]);
  });

  it('reads roles from A030 and concepts from A004', () => {
    const roles = parseRoles(schemas.practitionerRoleBundleSchema.parse(readExample<any>('platform/A030_response_PractitionerRoleBundle.json')));
    expect(roles).toContainEqual(expect.objectContaining({ businessFunction: 'REFERRING_CLINICIAN', ods: 'R68', userId: '000000000101' }));
    expect(roles).toHaveLength(4);
    const clinicTypes = parseConcepts(schemas.codeSystemSchema.parse(readExample<any>('legacy/A004_response_CLINIC-TYPE.json')), new Date('2026-01-01'));
    expect(clinicTypes.length).toBe(672);
    expect(clinicTypes.find((c) => c.code === 'HEART_FAILURE')).toMatchObject({ specialty: 'CARDIOLOGY' });
    expect(clinicTypes.some((c) => c.retired)).toBe(true);
    const priority = parseConcepts(schemas.codeSystemSchema.parse(readExample<any>('platform/A004_response_PRIORITY.json')));
    expect(priority.find((c) => c.code === 'URGENT')?.numbers).toHaveProperty('triageContactDays');
  });

  it('reads the available actions of A029 for the referral asked about only', () => {
    const bundle = taskBundleSchema.parse(readExample<any>('platform/A029_response_WithCancelReferral.json'));
    expect(parseAvailableActions(bundle, 'ReferralRequest/000000070005/_history/6')).toEqual(['CANCEL_REFERRAL']);
    expect(parseAvailableActions(bundle, 'ReferralRequest/000000070005/_history/5')).toEqual([]);
    expect(
      parseAvailableActions(taskBundleSchema.parse(readExample<any>('platform/A029_response_Empty.json')), 'ReferralRequest/000000070000/_history/6'),
    ).toEqual([]);
  });

  it('reads the cancelled referral of A036 with its reason and comments, and its version from the body', () => {
    const referral = parseReferral(
      cancelledReferralOf(cancelReferralResponseSchema.parse(readExample<any>('platform/A036_response_CancelledReferralPatientOther.json'))),
    );
    expect(referral).toMatchObject({
      ubrn: '000000070000',
      version: '4',
      etag: 'W/"4"',
      state: 'CANCELLED_REFERRAL',
      status: 'cancelled',
      stateReason: { code: 'PATIENT_REQUEST_CANCELLATION_OTHER', display: 'Other' },
    });
    expect(referral.stateComment).toBeTruthy();
  });

  it('offers a referrer exactly the referral-cancellation reasons of the contract (A004 filtered on five conditions)', () => {
    const cs = schemas.codeSystemSchema.parse(readExample<any>('platform/A004_response_REFERRAL-CANCELLATION-REASON.json'));
    const reasons = cancellationReasons(cs, { businessFunction: 'REFERRING_CLINICIAN', hasAppointment: false, now: new Date('2026-12-01') });
    expect(reasons.map((r) => [r.code, r.commentIsMandatory]).sort()).toEqual(
      [
        ['INTEND_PRIVATE', false],
        ['PATIENT_DIED', false],
        ['PATIENT_REQUEST_CANCELLATION_OTHER', true],
        ['RAISED_IN_ERROR', false],
        ['REFERRER_CANCELLATION', false],
        ['TREATMENT_NO_LONGER_REQUIRED', false],
      ].sort(),
    );
    expect(reasons[0].system).toBe(cs.url);
    expect(cancellationReasons(cs, { businessFunction: 'SERVICE_PROVIDER_CLINICIAN', hasAppointment: false }).map((r) => r.code)).not.toContain(
      'RAISED_IN_ERROR',
    );
  });

  it('rejects a response that is not what it claims (a UBRN that is not 12 digits)', () => {
    const bad = { ...readExample<any>('platform/A011_response_ReferralRequest.json'), id: '70000' };
    expect(schemas.referralRequestSchema.safeParse(bad).success).toBe(false);
  });
});
