// Advice and Guidance over real HTTP with the extension's client: A010 A&G search → A044 create →
// A024 status → the provider's events (admin hooks) → A025 conversation → A043 PDF; the state model
// (version +1 per event, current version only), the RC/RCA rule, and conversion into a referral.
import { describe, expect, it } from 'vitest';
import type { ErsClient } from '../../../utils/ers/index';
import { createAdvice, downloadAttachment, getAdvice, getAdviceOverviewPdf, getConversation } from '../../../utils/ers/advice';
import { USER_IDS, c, criteria, platformClient, shortlist, useSimulator } from './helpers';
import { ersFailure } from '../../../test/helpers/ers-failure';

const sim = useSimulator({ seed: 3 });

const NHS = '9434765919';

function clientFor(businessFunction = 'REFERRING_CLINICIAN', user: string = USER_IDS.adams, ods = 'B86001'): ErsClient {
  return platformClient(sim, { user, businessFunction, ods, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
}

async function admin(path: string, body: object = {}): Promise<Response> {
  return fetch(`${sim.url}/_admin/advice${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function ask(client: ErsClient, extra: { referringClinician?: string; businessFunction?: string } = {}) {
  const found = await client.searchServices({
    nhsNumber: NHS,
    requestType: 'ADVICE_AND_GUIDANCE_REQUEST',
    referringClinician: extra.referringClinician,
    criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true },
  });
  expect(found.services.length).toBeGreaterThan(0);
  return createAdvice(
    client,
    {
      nhsNumber: NHS,
      conversion: 'AUTHORISED_TO_CONVERT',
      criteria: found.criteria,
      serviceIds: [found.services[0].id],
      request: 'Murmur on auscultation; is an echo needed first?',
      referringClinician: extra.referringClinician,
    },
    { businessFunction: extra.businessFunction ?? 'REFERRING_CLINICIAN' },
  );
}

describe('A&G in the simulator', () => {
  it('creates version 1 waiting for the provider, then follows the provider’s reply and the conversation', async () => {
    const client = clientFor();
    const created = await ask(client);
    expect(created).toMatchObject({ version: '1', status: 'PROVIDER_RESPONSE_REQUIRED', lifecycle: 'active', nhsNumber: NHS });

    expect((await admin(`/${created.ubrn}/respond`, { text: 'Please do an ECG and send it.', outcome: 'more-information' })).status).toBe(200);
    const more = await getAdvice(client, created.ubrn);
    expect(more).toMatchObject({ version: '2', status: 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION', etag: 'W/"2"' });

    expect((await admin(`/${created.ubrn}/referrer-reply`, { text: 'ECG attached in the web app.' })).status).toBe(200);
    expect((await admin(`/${created.ubrn}/respond`, { text: 'Benign flow murmur; no echo needed.' })).status).toBe(200);
    const reply = await getAdvice(client, created.ubrn);
    expect(reply).toMatchObject({ version: '4', status: 'REFERRER_TO_REVIEW_RESPONSE' });

    const messages = await getConversation(client, reply.ubrn, reply.version);
    expect(messages.map((m) => m.sentBy)).toEqual(['REQUESTER', 'RESPONDER', 'REQUESTER', 'RESPONDER']);
    expect(messages[3].text).toBe('Benign flow murmur; no echo needed.');
    // Only the current version is served.
    expect(await ersFailure(getConversation(client, reply.ubrn, '3'))).toMatchObject({ status: 404 });

    const pdf = await getAdviceOverviewPdf(client, reply.ubrn);
    expect(pdf.fileName).toMatch(new RegExp(`^${reply.ubrn}_Advice_And_Guidance_\\d{14}\\.pdf$`));
    expect(new TextDecoder().decode(pdf.bytes.slice(0, 5))).toBe('%PDF-');
  });

  it('conversion turns the same UBRN into a referral; closing ends the conversation; no event after the end', async () => {
    const client = clientFor();
    const a = await ask(client);
    expect((await admin(`/${a.ubrn}/convert`)).status).toBe(200);
    expect(await getAdvice(client, a.ubrn)).toMatchObject({ status: 'ADVICE_CONVERTED', lifecycle: 'completed' });
    expect(await client.getReferral(a.ubrn)).toMatchObject({ ubrn: a.ubrn, state: 'TRIAGED_PROVIDER_TO_ACTION' });
    expect((await admin(`/${a.ubrn}/respond`, { text: 'late' })).status).toBe(409);

    const b = await ask(client);
    expect((await admin(`/${b.ubrn}/close`, { cancelled: true })).status).toBe(200);
    expect(await getAdvice(client, b.ubrn)).toMatchObject({ status: 'CONVERSATION_ENDED_CANCELLED', lifecycle: 'cancelled' });
  });

  it('shares the UBRN counter with referrals and tells an A&G UBRN from a referral', async () => {
    const client = clientFor();
    const a = await ask(client);
    expect(sim.referrals().some((r) => r.ubrn === a.ubrn)).toBe(false);
    expect(await ersFailure(getAdvice(client, '000000070000'))).toMatchObject({ status: 422, code: 'INVALID_REQUEST_TYPE' });
  });

  it('the server enforces the RC/RCA rule and the 8,000-character limit too (a client that skipped its checks)', async () => {
    const token = sim.issueToken(USER_IDS.baker);
    const headers = {
      Authorization: `Bearer ${token}`,
      'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN_ADMIN',
      'NHSD-End-User-Organisation-ODS': 'B86001',
      'Content-Type': 'application/fhir+json',
    };
    const body = (request: string) => ({
      resourceType: 'Parameters',
      meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-CreateAdviceAndGuidance-Request-Parameters-1'] },
      parameter: [
        { name: 'patient', valueIdentifier: { system: 'http://fhir.nhs.net/Id/nhs-number', value: NHS } },
        {
          name: 'providerConversionAuthorisation',
          valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ProviderConversionAuthorisation-1', code: 'NOT_AUTHORISED_TO_CONVERT' },
        },
        { name: 'shortlist', resource: shortlist(criteria([c.priority('ROUTINE'), c.specialty('CARDIOLOGY'), c.ageGender(true)], 'c'), ['11010']) },
        { name: 'request', valueString: request },
      ],
    });
    const res = await fetch(`${sim.url}/referrals/FHIR/STU3/CommunicationRequest/$ers.createAdviceAndGuidance`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body('ok')),
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain('VALUE_IS_REQUIRED');
    const tooLong = await fetch(`${sim.url}/referrals/FHIR/STU3/CommunicationRequest/$ers.createAdviceAndGuidance`, {
      method: 'POST',
      headers: { ...headers, Authorization: `Bearer ${sim.issueToken(USER_IDS.adams)}`, 'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN' },
      body: JSON.stringify(body('x'.repeat(8001))),
    });
    expect(tooLong.status).toBe(422);
    expect(JSON.stringify(await tooLong.json())).toContain('INVALID_VALUE');
  });

  it('an admin asks on behalf of a named clinician', async () => {
    const client = clientFor('REFERRING_CLINICIAN_ADMIN', USER_IDS.baker);
    const a = await ask(client, { referringClinician: USER_IDS.adams, businessFunction: 'REFERRING_CLINICIAN_ADMIN' });
    expect(a.status).toBe('PROVIDER_RESPONSE_REQUIRED');
  });

  it('A042: a file attached to the request downloads through the one-time address; a quarantined one is refused', async () => {
    const client = clientFor();
    const found = await client.searchServices({
      nhsNumber: NHS,
      requestType: 'ADVICE_AND_GUIDANCE_REQUEST',
      criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true },
    });
    const ecg = await client.uploadFile({ fileName: 'ecg.txt', contentType: 'text/plain', bytes: new TextEncoder().encode('ECG: sinus rhythm') });
    const bad = await client.uploadFile({
      fileName: 'bad.txt',
      contentType: 'text/plain',
      bytes: new TextEncoder().encode('EICAR-STANDARD-ANTIVIRUS-TEST-FILE'),
    });
    const indexed = new Date().toISOString();
    const a = await createAdvice(
      client,
      {
        nhsNumber: NHS,
        conversion: 'NOT_AUTHORISED_TO_CONVERT',
        criteria: found.criteria,
        serviceIds: [found.services[0].id],
        request: 'See the ECG.',
        files: [
          { url: ecg.url, indexed, description: 'ECG' },
          { url: bad.url, indexed },
        ],
      },
      {},
    );
    const [message] = await getConversation(client, a.ubrn, a.version);
    expect(message.attachments.map((f) => f.title)).toEqual(['ecg.txt', 'bad.txt']);
    const file = await downloadAttachment(client, message.attachments[0].url);
    expect(new TextDecoder().decode(file.bytes)).toBe('ECG: sinus rhythm');
    expect(file).toMatchObject({ fileName: 'ecg.txt', contentType: 'text/plain' });
    expect(await ersFailure(downloadAttachment(client, message.attachments[1].url))).toMatchObject({ status: 422, code: 'THREATS_FOUND' });
    // A file another organisation uploaded and linked to nothing of ours: no relationship.
    const theirs = await clientFor('REFERRING_CLINICIAN', USER_IDS.adams, 'R68').uploadFile({
      fileName: 'theirs.txt',
      contentType: 'text/plain',
      bytes: new TextEncoder().encode('not yours'),
    });
    expect(await ersFailure(downloadAttachment(client, theirs.url))).toMatchObject({ status: 403 });
    // …nor can it be attached to our request.
    const attach = createAdvice(
      client,
      {
        nhsNumber: NHS,
        conversion: 'NOT_AUTHORISED_TO_CONVERT',
        criteria: found.criteria,
        serviceIds: [found.services[0].id],
        request: 'q',
        files: [{ url: theirs.url, indexed }],
      },
      {},
    );
    expect(await ersFailure(attach)).toMatchObject({ status: 422, code: 'REFERENCE_NOT_FOUND' });
  });
});
