// After the referral exists, over real HTTP with the real client: a provider's events (admin API)
// drive each referrer worklist; A029 answers by state and only for the current version; A036 cancels
// with the A004 reason and comment rules; A007 is a PDF; A042 redirects to a one-use object-store key
// and refuses a file that is not AVAILABLE.
import { pdfText } from '../../../test/helpers/pdf-text';
import { describe, expect, it } from 'vitest';
import { type CancellationReason, ErsClient, ErsError, cancellationReasons, type ReferrerWorklist } from '../../../utils/ers/index';
import { ADAMS_RC_B86001, USER_IDS, attachTextLetter, expectOutcome, platformPost, startSim, platformClient, useSimulator } from './helpers';

const sim = useSimulator({ seed: 3 });

const NHS = '9434765919';

function client(ods = 'B86001'): ErsClient {
  return platformClient(sim, { ods, retry: { limit: 0 } });
}

async function create(c: ErsClient) {
  const found = await c.searchServices({ nhsNumber: NHS, criteria: { priority: 'URGENT', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true } });
  const service = found.services.find((s) => !s.isTriage)!;
  return c.createReferral({ nhsNumber: NHS, criteria: found.criteria, shortlist: [service], letterIntention: 'NEED_TO_ADD_LATER' });
}

async function provider(ubrn: string, event: string, body: object = {}) {
  const res = await fetch(`${sim.url}/_admin/referrals/${ubrn}/${event}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function onList(c: ErsClient, list: ReferrerWorklist, ubrn: string) {
  return (await c.fetchWorklist(list)).find((i) => i.ubrn === ubrn);
}

async function reasons(c: ErsClient, hasAppointment = false): Promise<CancellationReason[]> {
  const { codeSystem } = await c.getCodeSystem('REFERRAL-CANCELLATION-REASON');
  return cancellationReasons(codeSystem, { businessFunction: 'REFERRING_CLINICIAN', hasAppointment });
}

describe('provider events drive the referrer worklists', () => {
  it('a rejection with reason and comment lands on REJECTED_TRIAGE_RESPONSE, readable through A005, A007 and A042', async () => {
    const c = client();
    const r = await create(c);
    await provider(r.ubrn, 'reject', { reason: 'SERVICE_INAPPROPRIATE', comment: 'Please refer to the heart failure clinic.', attachResponse: true });

    expect(await onList(c, 'REJECTED_TRIAGE_RESPONSE', r.ubrn)).toMatchObject({ status: 'REJECTED', reason: 'SERVICE_INAPPROPRIATE', nhsNumber: NHS });
    expect(await onList(c, 'AWAITING_BOOKING', r.ubrn)).toBeUndefined();

    const now = await c.getReferral(r.ubrn);
    expect(Number(now.version)).toBeGreaterThan(Number(r.version));
    expect(now).toMatchObject({ state: 'REJECTED', stateReason: { code: 'SERVICE_INAPPROPRIATE' }, stateComment: 'Please refer to the heart failure clinic.' });
    expect(await c.getAvailableActions(r.ubrn, now.version)).toEqual(['CHANGE_SHORTLIST', 'CANCEL_REFERRAL']);

    const summary = await c.getClinicalInformationSummary(r.ubrn);
    expect(new TextDecoder().decode(summary.bytes.slice(0, 5))).toBe('%PDF-');
    expect((await pdfText(summary.bytes)).replace(/\s+/g, ' ')).toContain('Please refer to the heart failure clinic.');
    expect(summary.fileName).toMatch(new RegExp(`^${r.ubrn}_Clinical_Information_Summary_\\d{14}\\.pdf$`));

    const response = now.attachments.find((a) => a.type !== 'REFERRER')!;
    expect(response.availability).toBe('AVAILABLE');
    expect(response.attachedByOrg).not.toBe('B86001');
    const first = await c.downloadAttachment(response.url);
    const second = await c.downloadAttachment(response.url);
    expect(first.fileName).toBe(`Provider_Response_${r.ubrn}.pdf`);
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
  });

  it('a return after assessment, a DNA and a cancellation by the provider land on ASSESSMENT_RETURNED_CANCELLED_DNA', async () => {
    const c = client();
    const [a, b, d] = [await create(c), await create(c), await create(c)];
    await provider(a.ubrn, 'return', { comment: 'Seen; back to GP with advice.' });
    await provider(b.ubrn, 'dna');
    await provider(d.ubrn, 'cancel', { reason: 'NO_LONGER_REQUIRED' });
    const list = await c.fetchWorklist('ASSESSMENT_RETURNED_CANCELLED_DNA');
    expect(list.filter((i) => [a.ubrn, b.ubrn, d.ubrn].includes(i.ubrn)).map((i) => [i.ubrn, i.status, i.reason])).toEqual(
      expect.arrayContaining([
        [a.ubrn, 'ASSESSMENT_RESULT', undefined],
        [b.ubrn, 'DID_NOT_ATTEND', undefined],
        [d.ubrn, 'CANCELLED_REFERRAL', 'NO_LONGER_REQUIRED'],
      ]),
    );
    // Cancelled: nothing outstanding any more, and nothing the referrer can do.
    expect(await onList(c, 'LETTERS_OUTSTANDING', d.ubrn)).toBeUndefined();
    expect(await c.getAvailableActions(d.ubrn, (await c.getReferral(d.ubrn)).version)).toEqual([]);
  });

  it('an appointment cancelled by the provider awaits booking again, with its reason', async () => {
    const c = client();
    const r = await create(c);
    await provider(r.ubrn, 'cancel-appointment', { reason: 'CLINIC_CANCELLED' });
    expect(await onList(c, 'AWAITING_BOOKING', r.ubrn)).toMatchObject({ status: 'APP_CANCELLED_BY_PROVIDER', reason: 'CLINIC_CANCELLED' });
  });

  it('the admin API refuses an unknown event or reason', async () => {
    const r = await create(client());
    expect((await fetch(`${sim.url}/_admin/referrals/${r.ubrn}/explode`, { method: 'POST' })).status).toBe(400);
    expect((await fetch(`${sim.url}/_admin/referrals/${r.ubrn}/reject`, { method: 'POST', body: '{"reason":"NOPE"}' })).status).toBe(400);
  });
});

describe('A029 available actions', () => {
  it('answers for the current version only (400 HISTORY_NOT_SUPPORTED otherwise)', async () => {
    const c = client();
    const r = await create(c);
    expect(await c.getAvailableActions(r.ubrn, r.version)).toEqual(['CREATE_APPOINTMENT', 'CHANGE_SHORTLIST', 'CANCEL_REFERRAL']);
    await provider(r.ubrn, 'reject');
    const stale = await c.getAvailableActions(r.ubrn, r.version).catch((e: ErsError) => e);
    expect(stale).toMatchObject({ status: 400, code: 'HISTORY_NOT_SUPPORTED' });
  });
});

describe('A036 cancel referral', () => {
  it('cancels with a reason and comment; the referral leaves the lists, and its own cancellation is not news to the referrer', async () => {
    const c = client();
    const r = await create(c);
    const reason = (await reasons(c)).find((x) => x.code === 'PATIENT_REQUEST_CANCELLATION_OTHER')!;
    const cancelled = await c.cancelReferral({ ubrn: r.ubrn, etag: r.etag, reason, comment: 'Patient moved away.' });
    expect(cancelled).toMatchObject({
      state: 'CANCELLED_REFERRAL',
      status: 'cancelled',
      stateReason: { code: reason.code },
      stateComment: 'Patient moved away.',
    });
    expect(Number(cancelled.version)).toBe(Number(r.version) + 1);
    for (const list of ['LETTERS_OUTSTANDING', 'AWAITING_BOOKING', 'ASSESSMENT_RETURNED_CANCELLED_DNA'] as const) {
      expect(await onList(c, list, r.ubrn)).toBeUndefined();
    }
    const again = await c.cancelReferral({ ubrn: r.ubrn, etag: cancelled.etag, reason, comment: 'Again.' }).catch((e: ErsError) => e);
    expect(again).toMatchObject({ status: 422, code: 'INVALID_REQUEST_STATE' });
  });

  it('the client refuses a missing mandatory comment before sending; e-RS would answer MISSING_VALUE', async () => {
    const c = client();
    const r = await create(c);
    const reason = (await reasons(c)).find((x) => x.commentIsMandatory)!;
    const local = await c.cancelReferral({ ubrn: r.ubrn, etag: r.etag, reason, comment: '  ' }).catch((e: ErsError) => e);
    expect(local).toMatchObject({ kind: 'rule', code: 'MISSING_VALUE' });
    expect((await c.getReferral(r.ubrn)).state).toBe('NOT_BOOKED');
    const body = { meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-CancelReferral-Request-Parameters-1'] }, resourceType: 'Parameters' };
    const raw = (code: string, extra: object[] = []) => ({
      ...body,
      parameter: [{ name: 'cancellationReason', valueCoding: { system: reason.system, code } }, ...extra],
    });
    const op = `/ReferralRequest/${r.ubrn}/$ers.cancelReferral`;
    await expectOutcome(await platformPost(sim, ADAMS_RC_B86001, op, raw(reason.code), { 'If-Match': r.etag }), 422, 'MISSING_VALUE');
    await expectOutcome(await platformPost(sim, ADAMS_RC_B86001, op, raw('BOOKED_OUTSIDE_CAB'), { 'If-Match': r.etag }), 422, 'INAPPROPRIATE_VALUE');
    await expectOutcome(await platformPost(sim, ADAMS_RC_B86001, op, raw('RAISED_IN_ERROR'), { 'If-Match': 'W/"1"' }), 409, 'VERSION_CONFLICT');
    const noIfMatch = await platformPost(sim, ADAMS_RC_B86001, op, raw('RAISED_IN_ERROR'));
    expect(noIfMatch.status).toBe(412);
    const long = await c.cancelReferral({ ubrn: r.ubrn, etag: r.etag, reason, comment: 'x'.repeat(2001) }).catch((e: ErsError) => e);
    expect(long).toMatchObject({ kind: 'rule', code: 'INVALID_VALUE' });
  });
});

describe('A042 attachment download', () => {
  it('follows a fresh 307 each time: an object-store Location works once only', async () => {
    const c = client();
    const r = await create(c);
    await provider(r.ubrn, 'reject', { attachResponse: true });
    const { attachments } = await c.getReferral(r.ubrn);
    const id = attachments[0].url.slice('Binary/'.length);
    const headers = {
      Authorization: `Bearer ${sim.issueToken(USER_IDS.adams)}`,
      'NHSD-End-User-Organisation-ODS': 'B86001',
      'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN',
    };
    const redirect = await fetch(`${sim.url}/referrals/FHIR/R4/Binary/${id}`, { headers, redirect: 'manual' });
    expect(redirect.status).toBe(307);
    const location = redirect.headers.get('location')!;
    expect(location).toMatch(/\/ObjectStore\//);
    expect((await fetch(location)).status).toBe(200);
    expect((await fetch(location)).status).toBe(404);
    expect((await c.downloadAttachment(attachments[0].url)).bytes.length).toBeGreaterThan(0);
  });

  it('answers 422 while a file is not AVAILABLE (still being scanned)', async () => {
    const scanning = await startSim({ seed: 3, binaryScanDelayMs: 60_000 });
    try {
      const token = scanning.issueToken(USER_IDS.adams);
      const c = new ErsClient({
        flavour: 'platform',
        baseUrl: `${scanning.url}/referrals/FHIR`,
        credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
        retry: { limit: 0 },
      });
      const r = await create(c);
      const { url, updated } = await attachTextLetter(c, r);
      expect(updated.attachments[0].availability).toBe('PENDING');
      const error = await c.downloadAttachment(url).catch((e: ErsError) => e);
      expect(error).toBeInstanceOf(ErsError);
      expect(error).toMatchObject({ status: 422 });
    } finally {
      await scanning.close();
    }
  });
});
