// `npm run ers -- <command>`: the e-RS client from the command line, for support staff and NHS
// onboarding smoke tests against any environment. Output is JSON on stdout; errors are JSON on
// stderr with exit code 1. Credentials come from flags or environment variables, never prompts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CODE_SYSTEM_TYPES,
  ErsClient,
  REFERRER_WORKLISTS,
  cancellationReasons,
  type ReferrerWorklist,
  ErsError,
  contentTypeFor,
  type CodeSystemType,
  type ErsCredentials,
  type Flavour,
  type Priority,
  type SearchCriteria,
  type SearchInput,
  type ServiceSummary,
} from '../utils/ers';
import { type ConversionAuthorisation, createAdvice, getAdvice, getAdviceOverviewPdf, getConversation } from '../utils/ers/advice';
import { authorizeAs } from 'ers-simulator/cis2-client';
import { TEST_SMARTCARDS, USER_IDS } from 'ers-simulator/users';
import { BOOKING_HELP, BookingUsageError, bookEarliest, bookingCommand, changeShortlistCommand } from './booking';

const HELP = `e-RS command-line client

Usage: npm run ers -- <command> [options]

Commands (e-RS operation in brackets):
  session-create          open a legacy session with a smartcard token            (A001)
  session-select-role     open a legacy session and select a role                  (A001, A002)
  session-delete          end a legacy session (--session-key)                     (A003)
  roles                   list the signed-in user's roles (platform)               (A030)
  codesystem <TYPE>       reference data: ${CODE_SYSTEM_TYPES.join(', ')}  (A004)
  search                  patient service search                                   (A010)
  create                  search, then create a referral for --services            (A010, A011)
  triage                  search, then create and send to one RAS (--services)     (A010, A021)
  send-for-triage         send an existing referral to its triage service          (A016)
  upload                  upload a file for a referral (--ubrn, --file)            (A020)
  letter                  set a referral's letters (--ubrn, --etag, --binary ...)  (A012)
  patient-letter          save the patient letter PDF (--ubrn, --out)              (A019)
  referral                read a referral back (--ubrn)                            (A005)
  worklist <LIST>         a referrer worklist: ${REFERRER_WORKLISTS.join(', ')}  (A008)
  status <UBRN>           a referral's state, reason, comments and files           (A005)
  actions <UBRN>          what you may do with it now (never cached)               (A005, A029)
  cancel <UBRN>           cancel it: --reason CODE [--comment TEXT]; no --reason
                          lists the reasons you may use                            (A004, A005, A036)
  clinical-info <UBRN>    save the clinical information summary PDF (--out)        (A007)
  attachment <Binary/ID>  save an attachment (--out)                               (A042)
  refer                   the whole flow: search, create (RAS via A021 or A011+A016),
                          upload letter, attach letter, patient letter saved to --out
  advice                  search A&G services, then ask one for advice: --request TEXT,
                          --services ID (default the first A&G service found), --conversion,
                          --file F (attached first)                                (A010, A020, A044)
  advice-status <UBRN>    an A&G request's status and version                      (A024)
  advice-conversation <UBRN>  its messages, oldest first                           (A024, A025)
  advice-pdf <UBRN>       save the A&G overview PDF (--out)                         (A043)
  help                    this text

${BOOKING_HELP}
Connection:
  --base-url URL          API base (…/ers-api or …/referrals/FHIR); an origin alone gets the
                          flavour's base path added                  [ERS_BASE_URL, default http://127.0.0.1:4010]
  --flavour F             legacy | platform                           [ERS_FLAVOUR, default platform]
  --asid ID               legacy XAPI_ASID                            [ERS_ASID, default 200000000001]
Credentials (platform):
  --token T               CIS2 bearer token                           [ERS_ACCESS_TOKEN]
  --business-function BF  e.g. REFERRING_CLINICIAN                     [ERS_BUSINESS_FUNCTION]
  --ods CODE              organisation ODS code                       [ERS_ODS]
Credentials (legacy):
  --smartcard-token T     SSO token for A001                          [ERS_SMARTCARD_TOKEN]
  --session-key K         an existing session (skips A001/A002)       [ERS_SESSION_KEY]
Simulator only:
  --sim-user NAME|ID      sign in as a simulator test user with no prompt
                          (adams, baker, cook, or an SDS id); platform uses the mock CIS2
                          authorisation-code + PKCE flow, legacy the user's test smartcard
  --client-id ID          OAuth client id                             [ERS_CLIENT_ID, default ers-extension-demo]
  --client-secret S       OAuth client secret (the simulator may require one) [ERS_CLIENT_SECRET]
Search criteria (search, create, triage, refer):
  --nhs-number N --priority ROUTINE|URGENT|TWO_WEEK_WAIT --specialty CODE --clinic-type CODE
  --clinical-term SNOMED --named-clinician SDS --postcode PC --distance MILES --iwt DAYS
  --organisation ODS --sort DISTANCE|IWT --request-type APPOINTMENT_REQUEST|ADVICE_AND_GUIDANCE_REQUEST
  --age-gender-appropriate true|false --referring-clinician SDS (admins) --commissioning-rule-org ODS
Referral:
  --services ID,ID        services to shortlist (default: the first bookable one found; with --ras the first RAS)
  --ras                   refer to a Referral Assessment Service
  --letter FILE           referral letter to upload (default: a generated text letter)
  --letter-to-follow      create without a letter (NEED_TO_ADD_LATER)
  --ubrn U --etag W/"n" --binary Binary/id (repeatable) --file F --out PATH --version N --service ID
Advice and Guidance:
  --request TEXT          the question (at most 8,000 characters)
  --conversion C          AUTHORISED_TO_CONVERT | NOT_AUTHORISED_TO_CONVERT (default: not authorised)
`;

type Words<S extends string> = S extends `${infer A} ${infer B}` ? A | Words<B> : S;

/** parseArgs options of one type, from their names separated by spaces. */
function optionsOf<const T extends 'string' | 'boolean', const S extends string>(type: T, names: S): Record<Words<S>, { type: T }> {
  return Object.fromEntries(names.split(' ').map((name) => [name, { type }])) as Record<Words<S>, { type: T }>;
}

const options = {
  // Connection and sign-in
  ...optionsOf('string', 'base-url flavour asid token business-function ods smartcard-token session-key sim-user client-id client-secret'),
  // Search, referral and letters
  ...optionsOf('string', 'nhs-number priority specialty clinic-type clinical-term named-clinician postcode distance iwt organisation sort request-type'),
  ...optionsOf('string', 'age-gender-appropriate referring-clinician commissioning-rule-org services letter ubrn etag file out version service'),
  ...optionsOf('boolean', 'ras letter-to-follow'),
  binary: { type: 'string', multiple: true },
  // Booking (cli/booking.ts) and advice
  ...optionsOf('string', 'slot reason comment clinician page-size pages book request conversion'),
  earliest: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Args = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

class UsageError extends Error {}

function required(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

const env = process.env;

function apiBase(args: Args, flavour: Flavour): { origin: string; base: string } {
  const raw = (args['base-url'] ?? env.ERS_BASE_URL ?? 'http://127.0.0.1:4010').replace(/\/+$/, '');
  const url = new URL(raw);
  const base = url.pathname === '/' || url.pathname === '' ? `${url.origin}${flavour === 'legacy' ? '/ers-api' : '/referrals/FHIR'}` : raw;
  return { origin: url.origin, base };
}

/** The legacy session's smartcard token: --smartcard-token, ERS_SMARTCARD_TOKEN, or the --sim-user's test card. */
function smartcardToken(args: Args): string {
  const simCard = args['sim-user'] && (TEST_SMARTCARDS as Record<string, string>)[args['sim-user']];
  return required(args['smartcard-token'] ?? env.ERS_SMARTCARD_TOKEN ?? (simCard || undefined), 'smartcard-token');
}

function simUserId(name: string): string {
  return (USER_IDS as Record<string, string>)[name] ?? name;
}

/** Mock CIS2 sign-in for a simulator test user: authorisation code + PKCE, no browser. */
async function simulatorPlatformToken(origin: string, args: Args): Promise<string> {
  const clientId = args['client-id'] ?? env.ERS_CLIENT_ID ?? 'ers-extension-demo';
  const redirectUri = 'http://127.0.0.1/ers-cli/callback';
  const { redirect, verifier, state } = await authorizeAs(origin, { clientId, redirectUri, userId: simUserId(args['sim-user']!) });
  const location = redirect.headers.get('location');
  if (!location) throw new UsageError(`mock CIS2 sign-in failed (${redirect.status}): ${await redirect.text()}`);
  const callback = new URL(location, origin);
  if (callback.searchParams.get('state') !== state) throw new UsageError('mock CIS2 returned a different state');
  const code = callback.searchParams.get('code');
  if (!code) throw new UsageError(`mock CIS2 refused sign-in: ${callback.searchParams.get('error') ?? 'no code'}`);
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier });
  const secret = args['client-secret'] ?? env.ERS_CLIENT_SECRET;
  if (secret) form.set('client_secret', secret);
  const tokenResponse = await fetch(new URL('/oauth2/token', origin), { method: 'POST', body: form });
  const token = (await tokenResponse.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!token.access_token) throw new UsageError(`mock CIS2 token exchange failed: ${token.error_description ?? token.error ?? tokenResponse.status}`);
  return token.access_token;
}

interface Connection {
  client: ErsClient;
  credentials: ErsCredentials;
  flavour: Flavour;
  close(): Promise<void>;
}

async function connect(args: Args, command: string): Promise<Connection> {
  const flavour = (args.flavour ?? env.ERS_FLAVOUR ?? 'platform') as Flavour;
  if (flavour !== 'legacy' && flavour !== 'platform') throw new UsageError('--flavour must be legacy or platform');
  const { origin, base } = apiBase(args, flavour);
  const credentials: ErsCredentials = {
    businessFunction: args['business-function'] ?? env.ERS_BUSINESS_FUNCTION,
    ods: args.ods ?? env.ERS_ODS,
  };
  const client = new ErsClient({ flavour, baseUrl: base, asid: args.asid ?? env.ERS_ASID ?? '200000000001', credentials: () => credentials });
  let opened = false;
  if (flavour === 'platform') {
    credentials.accessToken = args.token ?? env.ERS_ACCESS_TOKEN;
    if (!credentials.accessToken && args['sim-user']) credentials.accessToken = await simulatorPlatformToken(origin, args);
    if (!credentials.accessToken) throw new UsageError('platform calls need --token (or --sim-user against the simulator)');
    if (command !== 'roles' && (!credentials.businessFunction || !credentials.ods)) {
      // Choose the first referring role when none was named, as a clinician would.
      const roles = await client.listRoles();
      const role = roles.find(
        (r) =>
          (!credentials.ods || r.ods === credentials.ods) &&
          (credentials.businessFunction ? r.businessFunction === credentials.businessFunction : r.businessFunction.startsWith('REFERRING_CLINICIAN')),
      );
      if (!role) throw new UsageError('no matching referring role; pass --business-function and --ods');
      credentials.businessFunction = role.businessFunction;
      credentials.ods = role.ods;
    }
  } else {
    credentials.sessionKey = args['session-key'] ?? env.ERS_SESSION_KEY;
    if (!credentials.sessionKey && !command.startsWith('session-')) {
      const smartcard =
        args['smartcard-token'] ?? env.ERS_SMARTCARD_TOKEN ?? (args['sim-user'] ? (TEST_SMARTCARDS as Record<string, string>)[args['sim-user']] : undefined);
      if (!smartcard) throw new UsageError('legacy calls need --session-key, --smartcard-token or --sim-user');
      const session = await client.createSession(smartcard);
      const permission = session.user.permissions.find(
        (p) =>
          (!credentials.ods || p.orgIdentifier === credentials.ods) &&
          (credentials.businessFunction ? p.businessFunction === credentials.businessFunction : p.businessFunction.startsWith('REFERRING_CLINICIAN')),
      );
      if (!permission) throw new UsageError('the smartcard holds no matching referring role');
      const selected = await client.selectRole(session, {
        businessFunction: permission.businessFunction,
        orgIdentifier: permission.orgIdentifier,
        orgName: permission.orgName ?? undefined,
      });
      credentials.sessionKey = selected.id;
      credentials.businessFunction = permission.businessFunction;
      credentials.ods = permission.orgIdentifier;
      opened = true;
    }
  }
  return {
    client,
    credentials,
    flavour,
    close: async () => {
      if (opened && credentials.sessionKey) await client.deleteSession(credentials.sessionKey);
    },
  };
}

function numberArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`);
  return n;
}

function searchInput(args: Args): SearchInput {
  const criteria: SearchCriteria = {
    priority: (args.priority ?? 'ROUTINE') as Priority,
    specialty: args.specialty,
    clinicType: args['clinic-type'],
    indicativeAppointmentWaitTimeLimit: numberArg(args.iwt, 'iwt'),
    postcode: args.postcode,
    distanceLimit: numberArg(args.distance, 'distance'),
    clinicalTerm: args['clinical-term'],
    namedClinician: args['named-clinician'],
    organisation: args.organisation,
    ageAndGenderAppropriate: (args['age-gender-appropriate'] ?? 'true') !== 'false',
  };
  return {
    nhsNumber: required(args['nhs-number'], 'nhs-number'),
    criteria,
    sortBy: (args.sort ?? 'DISTANCE') as SearchInput['sortBy'],
    requestType: (args['request-type'] ?? 'APPOINTMENT_REQUEST') as SearchInput['requestType'],
    referringClinician: args['referring-clinician'],
    commissioningRuleOrganisation: args['commissioning-rule-org'],
  };
}

function pickServices(args: Args, services: ServiceSummary[]): ServiceSummary[] {
  if (args.services) {
    const ids = args.services
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const chosen = ids.map((id) => services.find((s) => s.id === id));
    const missing = ids.filter((_id, i) => !chosen[i]);
    if (missing.length) throw new UsageError(`not in the search results: ${missing.join(', ')}`);
    return chosen as ServiceSummary[];
  }
  const pick = services.find((s) => (args.ras ? s.isTriage : !s.isTriage));
  if (!pick) throw new UsageError(`the search found no ${args.ras ? 'Referral Assessment Service' : 'bookable service'}`);
  return [pick];
}

function defaultLetter(nhsNumber: string): { fileName: string; bytes: Uint8Array } {
  const text = `Referral letter\n\nPatient NHS number: ${nhsNumber}\nCreated by the e-RS command-line client on ${new Date().toISOString()}.\n`;
  return { fileName: 'referral-letter.txt', bytes: new TextEncoder().encode(text) };
}

function savePdf(out: string | undefined, fileName: string, bytes: Uint8Array): string {
  const target = out && !out.endsWith('.pdf') ? path.join(out, fileName) : (out ?? path.join('demo-output', fileName));
  mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  writeFileSync(target, bytes);
  return path.resolve(target);
}

async function refer(conn: Connection, args: Args) {
  const { client, credentials, flavour } = conn;
  const role = { businessFunction: credentials.businessFunction };
  const input = searchInput(args);
  const found = await client.searchServices(input, role);
  const chosen = pickServices(args, found.services);
  const triage = chosen.length === 1 && chosen[0].isTriage;
  const base = { nhsNumber: input.nhsNumber, referringClinician: input.referringClinician, criteria: found.criteria, shortlist: chosen };
  const steps: string[] = ['A010'];
  let referral: Awaited<ReturnType<ErsClient['createReferral']>>;
  if (triage && flavour === 'legacy') {
    referral = await client.createReferralAndSendForTriage(base, role);
    steps.push('A021');
  } else {
    referral = await client.createReferral({ ...base, letterIntention: 'NEED_TO_ADD_LATER' }, role);
    steps.push('A011');
    if (triage) {
      await client.sendForTriage({ ubrn: referral.ubrn, version: referral.version, serviceId: chosen[0].id, nhsNumber: input.nhsNumber });
      steps.push('A016');
      referral = await client.getReferral(referral.ubrn);
      steps.push('A005');
    }
  }
  let letter: { fileName: string; url: string } | undefined;
  if (!args['letter-to-follow']) {
    const file = args.letter ? { fileName: path.basename(args.letter), bytes: new Uint8Array(readFileSync(args.letter)) } : defaultLetter(input.nhsNumber);
    const contentType = contentTypeFor(file.fileName);
    if (!contentType) throw new UsageError(`cannot attach ${file.fileName}: e-RS does not accept that file type`);
    const uploaded = await client.uploadFile({ ubrn: referral.ubrn, fileName: file.fileName, contentType, bytes: file.bytes });
    steps.push('A020');
    referral = await client.maintainReferralLetter({
      ubrn: referral.ubrn,
      etag: referral.etag,
      files: [{ url: uploaded.url, indexed: new Date().toISOString(), description: 'Referral letter' }],
    });
    steps.push('A012');
    letter = { fileName: file.fileName, url: uploaded.url };
  }
  let booking: Awaited<ReturnType<typeof bookEarliest>> | undefined;
  if (args.book !== undefined) {
    if (args.book !== 'earliest') throw new UsageError('--book takes "earliest"');
    const dbs = chosen.find((s) => !s.isTriage && s.bookableType === 'DIRECTLY_BOOKABLE');
    if (!dbs) throw new UsageError('--book earliest needs a directly bookable service on the shortlist');
    booking = await bookEarliest(client, `cli@${credentials.ods}`, referral, dbs.id);
    steps.push(...booking.steps);
  }
  // After a booking the A019 letter is the appointment confirmation.
  const pdf = await client.generatePatientLetter(referral.ubrn);
  steps.push('A019');
  return {
    ...(booking ? { booking: { ...booking, steps: undefined } } : {}),
    ubrn: referral.ubrn,
    // A016 answered with the referral version it made (incomingReferral): no extra read needed.
    version: booking?.appointment?.referralVersion ?? referral.version,
    etag: booking?.appointment?.referralVersion ? `W/"${booking.appointment.referralVersion}"` : referral.etag,
    state: booking?.phase === 'booked' ? 'BOOKED' : booking?.phase === 'deferred' ? 'DEFERRED_TO_PROVIDER' : referral.state,
    priority: referral.priority,
    route: triage ? (flavour === 'legacy' ? 'A021' : 'A011+A016') : 'A011',
    shortlist: chosen.map((s) => ({ id: s.id, name: s.name, triage: s.isTriage })),
    letter: letter ?? 'to follow',
    attachments: referral.attachments.length,
    patientLetter: { file: savePdf(args.out, pdf.fileName, pdf.bytes), bytes: pdf.bytes.length },
    steps,
  };
}

/** After the referral exists: worklists, status, actions, cancel, the summary and attachments. */
async function lifecycleCommand(conn: Connection, command: string, positionals: string[], args: Args): Promise<unknown> {
  const { client, credentials } = conn;
  if (command === 'worklist') {
    const list = required(positionals[0], 'worklist LIST') as ReferrerWorklist;
    if (!REFERRER_WORKLISTS.includes(list)) throw new UsageError(`unknown worklist ${list}; one of ${REFERRER_WORKLISTS.join(', ')}`);
    return client.fetchWorklist(list);
  }
  if (command === 'attachment') {
    const file = await client.downloadAttachment(required(positionals[0] ?? args.binary?.[0], 'attachment Binary/ID'));
    return { file: savePdf(args.out, file.fileName, file.bytes), contentType: file.contentType, bytes: file.bytes.length };
  }
  const ubrn = required(positionals[0] ?? args.ubrn, 'ubrn');
  if (command === 'clinical-info') {
    const pdf = await client.getClinicalInformationSummary(ubrn);
    return { file: savePdf(args.out, pdf.fileName, pdf.bytes), bytes: pdf.bytes.length };
  }
  const referral = await client.getReferral(ubrn);
  if (command === 'status') return referral;
  if (command === 'actions') return { ubrn, version: referral.version, actions: await client.getAvailableActions(ubrn, referral.version) };
  // cancel
  const { codeSystem } = await client.getCodeSystem('REFERRAL-CANCELLATION-REASON');
  const allowed = cancellationReasons(codeSystem, {
    businessFunction: required(credentials.businessFunction, 'business-function'),
    hasAppointment: referral.appointmentReference !== undefined,
  });
  const reason = allowed.find((r) => r.code === args.reason);
  if (!reason) {
    const list = allowed.map((r) => `${r.code}${r.commentIsMandatory ? ' (comment required)' : ''}`).join(', ');
    throw new UsageError(`${args.reason ? `${args.reason} is not a reason you may use here` : '--reason is required'}; one of: ${list}`);
  }
  return client.cancelReferral({ ubrn, etag: referral.etag, reason, comment: args.comment });
}

// ---- Advice and Guidance (utils/ers/advice.ts) ------------------------------------------------

async function askForAdvice(conn: Connection, args: Args) {
  const { client, credentials } = conn;
  const role = { businessFunction: credentials.businessFunction };
  const input = { ...searchInput(args), requestType: 'ADVICE_AND_GUIDANCE_REQUEST' as const };
  const found = await client.searchServices(input, role);
  const ids = args.services
    ? args.services
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : found.services.slice(0, 1).map((s) => s.id);
  if (ids.length === 0) throw new UsageError('the search found no Advice and Guidance service');
  const missing = ids.filter((id) => !found.services.some((s) => s.id === id));
  if (missing.length) throw new UsageError(`not in the A&G search results: ${missing.join(', ')}`);
  const files = [];
  if (args.file) {
    const contentType = contentTypeFor(args.file);
    if (!contentType) throw new UsageError('e-RS does not accept that file type');
    const fileName = path.basename(args.file);
    const uploaded = await client.uploadFile({ fileName, contentType, bytes: new Uint8Array(readFileSync(args.file)) });
    files.push({ url: uploaded.url, indexed: new Date().toISOString(), description: fileName });
  }
  const conversion = (args.conversion ?? 'NOT_AUTHORISED_TO_CONVERT') as ConversionAuthorisation;
  const created = await createAdvice(
    client,
    {
      nhsNumber: input.nhsNumber,
      conversion,
      criteria: found.criteria,
      serviceIds: ids,
      request: required(args.request, 'request'),
      files,
      referringClinician: input.referringClinician,
    },
    role,
  );
  return { ...created, service: created.service ?? { id: ids[0], name: found.services.find((s) => s.id === ids[0])?.name } };
}

async function adviceCommand(conn: Connection, command: string, positionals: string[], args: Args): Promise<unknown> {
  const { client } = conn;
  if (command === 'advice') return askForAdvice(conn, args);
  const ubrn = required(positionals[0] ?? args.ubrn, 'ubrn');
  if (command === 'advice-status') return getAdvice(client, ubrn);
  if (command === 'advice-conversation') {
    const summary = await getAdvice(client, ubrn);
    return { ubrn, version: summary.version, status: summary.status, messages: await getConversation(client, ubrn, summary.version) };
  }
  const pdf = await getAdviceOverviewPdf(client, ubrn);
  return { file: savePdf(args.out, pdf.fileName, pdf.bytes), bytes: pdf.bytes.length };
}

async function run(command: string, positionals: string[], args: Args): Promise<unknown> {
  const conn = await connect(args, command);
  try {
    // Awaited here so a legacy session is ended only after the command has finished with it.
    return await dispatch(conn, command, positionals, args);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

async function dispatch(conn: Connection, command: string, positionals: string[], args: Args): Promise<unknown> {
  const { client, credentials } = conn;
  const role = { businessFunction: credentials.businessFunction };
  switch (command) {
    case 'session-create':
      return client.createSession(smartcardToken(args));
    case 'session-select-role': {
      const session = await client.createSession(smartcardToken(args));
      const bf = required(credentials.businessFunction, 'business-function');
      const ods = required(credentials.ods, 'ods');
      return client.selectRole(session, { businessFunction: bf, orgIdentifier: ods });
    }
    case 'session-delete':
      await client.deleteSession(required(args['session-key'] ?? env.ERS_SESSION_KEY, 'session-key'));
      return { deleted: true };
    case 'roles':
      return client.listRoles();
    case 'codesystem': {
      const type = required(positionals[0], 'codesystem TYPE') as CodeSystemType;
      if (!CODE_SYSTEM_TYPES.includes(type)) throw new UsageError(`unknown code system ${type}`);
      const { codeSystem, concepts, etag } = await client.getCodeSystem(type);
      return { url: codeSystem.url, version: codeSystem.version, etag, concepts };
    }
    case 'search':
      return (await client.searchServices(searchInput(args), role)).services;
    case 'create':
    case 'triage': {
      const input = searchInput(args);
      const found = await client.searchServices(input, role);
      const base = {
        nhsNumber: input.nhsNumber,
        referringClinician: input.referringClinician,
        criteria: found.criteria,
        shortlist: pickServices({ ...args, ras: command === 'triage' || args.ras }, found.services),
      };
      return command === 'triage'
        ? client.createReferralAndSendForTriage(base, role)
        : client.createReferral({ ...base, letterIntention: 'NEED_TO_ADD_LATER' }, role);
    }
    case 'send-for-triage':
      return client.sendForTriage({
        ubrn: required(args.ubrn, 'ubrn'),
        version: required(args.version, 'version'),
        serviceId: required(args.service, 'service'),
        nhsNumber: required(args['nhs-number'], 'nhs-number'),
      });
    case 'upload': {
      const file = required(args.file, 'file');
      const contentType = contentTypeFor(file);
      if (!contentType) throw new UsageError('e-RS does not accept that file type');
      return client.uploadFile({ ubrn: required(args.ubrn, 'ubrn'), fileName: path.basename(file), contentType, bytes: new Uint8Array(readFileSync(file)) });
    }
    case 'letter':
      return client.maintainReferralLetter({
        ubrn: required(args.ubrn, 'ubrn'),
        etag: required(args.etag, 'etag'),
        files: (args.binary ?? []).map((url) => ({ url, indexed: new Date().toISOString() })),
      });
    case 'patient-letter': {
      const pdf = await client.generatePatientLetter(required(args.ubrn, 'ubrn'));
      return { file: savePdf(args.out, pdf.fileName, pdf.bytes), bytes: pdf.bytes.length };
    }
    case 'referral':
      return client.getReferral(required(args.ubrn, 'ubrn'), args.version);
    case 'refer':
      return refer(conn, args);
    case 'change-shortlist': {
      const referral = await client.getReferral(required(args.ubrn, 'ubrn'));
      // The new criteria must be the search run for this referral's commissioning organisation.
      const input = {
        ...searchInput({ ...args, 'nhs-number': args['nhs-number'] ?? referral.nhsNumber }),
        commissioningRuleOrganisation: referral.commissioningRuleOrg,
      };
      const found = await client.searchServices(input, role);
      const ids = required(args.services, 'services')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return changeShortlistCommand(client, referral, found, ids);
    }
    case 'worklist':
    case 'status':
    case 'actions':
    case 'cancel':
    case 'clinical-info':
    case 'attachment':
      return lifecycleCommand(conn, command, positionals, args);
    case 'advice':
    case 'advice-status':
    case 'advice-conversation':
    case 'advice-pdf':
      return adviceCommand(conn, command, positionals, args);
    default: {
      const booked = await bookingCommand(client, { owner: `cli@${credentials.ods}`, businessFunction: credentials.businessFunction }, command, args, required);
      if (booked === undefined) throw new UsageError(`unknown command ${command}`);
      return booked;
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true });
  } catch (error) {
    process.stderr.write(`${JSON.stringify({ error: 'usage', message: (error as Error).message })}\n`);
    return 2;
  }
  const [command = 'help', ...positionals] = parsed.positionals;
  if (command === 'help' || parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  try {
    const result = await run(command, positionals, parsed.values);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    const body =
      error instanceof ErsError
        ? { error: 'ers', ...error.toJSON() }
        : error instanceof UsageError || error instanceof BookingUsageError
          ? { error: 'usage', message: error.message }
          : { error: 'unexpected', message: (error as Error).message };
    process.stderr.write(`${JSON.stringify(body, null, 2)}\n`);
    return error instanceof UsageError || error instanceof BookingUsageError ? 2 : 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('cli', 'ers.ts'))) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
