// Advice and Guidance in the client: the A044 body reproduces every A044 example in the contract
// pack; the readers understand the A024/A025 examples; the role and size rules refuse before
// sending; and A044's failures are classified for the at-most-once machine. Through real HTTP.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR, readExample } from 'ers-contract/files';
import { ErsClient, buildSearchCriteria, classifyChangeFailure } from '../../utils/ers';
import {
  MAX_ADVICE_REQUEST_CHARS,
  buildCreateAdviceAndGuidance,
  communicationRequestSchema,
  conversationBundleSchema,
  createAdvice,
  createAdviceResponseSchema,
  getAdvice,
  getAdviceOverviewPdf,
  getConversation,
  parseAdviceSummary,
  parseConversation,
} from '../../utils/ers/advice';
import { fhir, outcome, scriptedServer, type Handler } from '../helpers/scripted-server';
import { ADVICE_CASES } from './advice-inputs';
import { ersFailure } from '../helpers/ers-failure';

describe('A044 body', () => {
  it.each(ADVICE_CASES)('reproduces $file', ({ file, input, criteria, specialtySystem }) => {
    const body = buildCreateAdviceAndGuidance({ ...input, criteria: buildSearchCriteria(criteria, { specialtySystem }) });
    expect(body).toStrictEqual(readExample(file));
  });
});

describe('A&G readers', () => {
  it('reads the A044 response: UBRN, version 1, waiting for the provider, the conversion choice', () => {
    const response = createAdviceResponseSchema.parse(readExample('platform/A044_response_ExampleRCAWithAttachments.json'));
    const cr = communicationRequestSchema.parse(response.parameter.find((p) => p.name === 'createdCommunicationRequest')!.resource);
    expect(parseAdviceSummary(cr)).toMatchObject({ ubrn: '000000070000', version: '1', status: 'PROVIDER_RESPONSE_REQUIRED', lifecycle: 'active' });
  });

  it('reads A024 with its attachments and their availability', () => {
    const s = parseAdviceSummary(communicationRequestSchema.parse(readExample('platform/A024_response_WithUnavailableAttachments.json')));
    expect(s).toMatchObject({
      ubrn: '000000070002',
      version: '5',
      conversion: 'AUTHORISED_TO_CONVERT',
      service: { id: '11014', name: 'Cardiology Advice Service' },
    });
    expect(s.attachments.map((a) => [a.title, a.availability])).toEqual([
      ['upload2.png', 'THREATS_FOUND'],
      ['upload3.png', 'VALIDATION_FAILED'],
      ['upload1.png', 'PENDING'],
    ]);
  });

  it('reads A025: messages oldest first, who sent each, and each message’s attachments', () => {
    const messages = parseConversation(conversationBundleSchema.parse(readExample('platform/A025_response_AttachmentPresentInEachDirection.json')));
    expect(messages.map((m) => m.sentBy)).toEqual(['REQUESTER', 'RESPONDER']);
    expect(messages[1].text).toBe('Please perform xxx test and send me the results');
    expect(messages[0].attachments[0]).toMatchObject({
      url: 'Binary/3816ca48-897a-4be0-907d-a4e830b4e213',
      title: 'testResultsA.pdf',
      availability: 'AVAILABLE',
    });
    const multi = parseConversation(conversationBundleSchema.parse(readExample('platform/A025_response_MultiWayConversation.json')));
    const sent = multi.map((m) => m.sent ?? '');
    expect(sent).toEqual([...sent].sort());
    expect(multi).toHaveLength(4);
  });
});

let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(handler: Handler, businessFunction = 'REFERRING_CLINICIAN') {
  server = await scriptedServer(handler);
  const client = new ErsClient({
    flavour: 'platform',
    baseUrl: `${server.url}/referrals/FHIR`,
    credentials: () => ({ accessToken: 'token-1', businessFunction, ods: 'B86001' }),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    timeoutMs: 2_000,
  });
  return { client, seen: server.seen };
}

const criteria = buildSearchCriteria({ priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true }, { specialtySystem: 'x' });
const input = {
  nhsNumber: '9434765919',
  conversion: 'NOT_AUTHORISED_TO_CONVERT' as const,
  criteria,
  serviceIds: ['11014'],
  request: 'Is this murmur significant?',
};

describe('A044 through HTTP', () => {
  it('posts to the create operation and reads back the UBRN', async () => {
    const { client, seen } = await setup((_r, res) => fhir(res, 200, readExample('platform/A044_response_ExampleRCWithoutAttachments.json')));
    const created = await createAdvice(client, input, { businessFunction: 'REFERRING_CLINICIAN' });
    expect(seen[0].url).toBe('/referrals/FHIR/STU3/CommunicationRequest/$ers.createAdviceAndGuidance');
    expect(created.ubrn).toMatch(/^\d{12}$/);
  });

  it('an admin must name the referring clinician; a clinician must not — refused with a clear message, nothing sent', async () => {
    const { client, seen } = await setup((_r, res) => fhir(res, 200, readExample('platform/A044_response_ExampleRCWithoutAttachments.json')));
    const rca = await ersFailure(createAdvice(client, input, { businessFunction: 'REFERRING_CLINICIAN_ADMIN' }));
    expect(rca).toMatchObject({ kind: 'rule', code: 'VALUE_IS_REQUIRED' });
    expect(rca.message).toMatch(/name the referring clinician/);
    const rc = await ersFailure(createAdvice(client, { ...input, referringClinician: '021600556514' }, { businessFunction: 'REFERRING_CLINICIAN' }));
    expect(rc).toMatchObject({ kind: 'rule', code: 'FIELD_NOT_PERMITTED' });
    expect(rc.message).toMatch(/remove the named referring clinician/);
    expect(seen).toHaveLength(0);
  });

  it('refuses more than 8,000 characters, two services, or no conversion choice, before sending', async () => {
    const { client, seen } = await setup((_r, res) => fhir(res, 200, {}));
    expect(await ersFailure(createAdvice(client, { ...input, request: 'x'.repeat(MAX_ADVICE_REQUEST_CHARS + 1) }, {}))).toMatchObject({
      code: 'INVALID_VALUE',
    });
    expect(await ersFailure(createAdvice(client, { ...input, serviceIds: ['1', '2'] }, {}))).toMatchObject({ code: 'TOO_MANY_ITEMS' });
    expect(await ersFailure(createAdvice(client, { ...input, conversion: undefined as never }, {}))).toMatchObject({ code: 'VALUE_IS_REQUIRED' });
    expect(seen).toHaveLength(0);
  });

  it('a 502 from a gateway is outcome-unknown and is not re-sent', async () => {
    const { client, seen } = await setup((_r, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    });
    const e = await ersFailure(createAdvice(client, input, {}));
    expect(e.kind).toBe('outcome-unknown');
    expect(classifyChangeFailure(e)).toBe('unknown');
    expect(seen).toHaveLength(1);
  });

  it('an unreadable 200 is outcome-unknown and keeps the UBRN it carried, for reading back', async () => {
    const { client } = await setup((_r, res) =>
      fhir(res, 200, {
        resourceType: 'Parameters',
        parameter: [{ name: 'createdCommunicationRequest', resource: { resourceType: 'CommunicationRequest', id: '000000070123' } }],
      }),
    );
    const e = await ersFailure(createAdvice(client, input, {}));
    expect(e.kind).toBe('outcome-unknown');
    expect(e.extracted?.ubrn).toBe('000000070123');
  });

  it('a 422 with an e-RS code is a proven refusal', async () => {
    const { client } = await setup((_r, res) => fhir(res, 422, outcome('INAPPROPRIATE_VALUE')));
    expect(classifyChangeFailure(await ersFailure(createAdvice(client, input, {})))).toBe('refused');
  });
});

describe('A024, A025, A043 through HTTP', () => {
  it('reads the status, then the conversation at the current version with the three includes', async () => {
    const { client, seen } = await setup((req, res) => {
      if (req.url.startsWith('/referrals/FHIR/STU3/CommunicationRequest/'))
        return fhir(res, 200, readExample('platform/A024_response_MinimalExample.json'), { ETag: 'W/"5"' });
      return fhir(res, 200, readExample('platform/A025_response_OneMessageEachWay.json'));
    });
    const summary = await getAdvice(client, '000000070000');
    const messages = await getConversation(client, summary.ubrn, summary.version);
    expect(seen[1].url).toBe(
      '/referrals/FHIR/STU3/Communication?based-on=CommunicationRequest/000000070000/_history/5&_include=Communication:requester-practitionerrole:PractitionerRole&_include=Communication:sender-practitionerrole:PractionerRole&_include=Communication:content-reference:DocumentReference',
    );
    expect(messages.length).toBeGreaterThan(0);
  });

  it('A043 saves the PDF with e-RS’s file name; a JSON error is not saved as a PDF', async () => {
    const pdf = readFileSync(path.join(EXAMPLES_DIR, 'platform/A043_response_000049146177_Advice_And_Guidance_20220610143044.pdf'));
    let fail = false;
    const { client, seen } = await setup((_r, res) => {
      if (fail) return fhir(res, 422, outcome('INVALID_REQUEST_TYPE'));
      res.writeHead(200, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': 'attachment; filename="000049146177_Advice_And_Guidance_20220610143044.pdf"',
      });
      res.end(pdf);
    });
    const file = await getAdviceOverviewPdf(client, '000049146177');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/referrals/FHIR/STU3/CommunicationRequest/000049146177/$ers.generateCRI' });
    expect(seen[0].headers.accept).toBe('application/pdf');
    expect(file.fileName).toBe('000049146177_Advice_And_Guidance_20220610143044.pdf');
    expect(file.bytes.byteLength).toBe(pdf.byteLength);
    fail = true;
    expect(await ersFailure(getAdviceOverviewPdf(client, '000049146177'))).toMatchObject({ status: 422, code: 'INVALID_REQUEST_TYPE' });
  });
});
