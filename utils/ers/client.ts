// The one e-RS client. Runs in the extension's background service worker and in Node (CLI, tests):
// no DOM and no extension APIs in here. Every response is validated with zod before it is used.
//
// Retry policy, the heart of "never a duplicate referral":
//  - reads and searches (A004, A005, A008, A010, A019, A030) retry 429/5xx/network/timeouts with backoff,
//    honouring Retry-After;
//  - creates, uploads and letter updates (A011, A021, A016, A020, A012) are never re-sent
//    automatically; a lost answer becomes an `outcome-unknown` error the user is told about;
//  - 401 on any call: ask the session manager to re-authenticate, then one retry. A 401 means e-RS
//    did not act, so that single retry cannot duplicate anything.
import ky, { isTimeoutError, type KyInstance } from 'ky';
import type { z } from 'zod';
import {
  buildCreateReferral,
  buildCreateReferralAndSendForTriage,
  buildCreateSession,
  buildFetchWorklist,
  buildMaintainReferralLetter,
  buildPatientServiceSearch,
  buildSearchCriteria,
  buildSelectRole,
  buildTriageAppointment,
  type ProfessionalPermission,
  type ReferralLetterFile,
  type SearchCriteria,
} from './builders';
import type { CodeSystemType, LetterIntention, ReferrerWorklist, RequestType, SortBy } from 'ers-contract';
import { ErsError, outcomeDetails, plainMessage } from './errors';
import { classifyChangeFailure, extractIds } from './outcome';
import type { ParametersResource } from './fhir';
import {
  parseConcepts,
  parseReferral,
  parseRoles,
  parseServices,
  parseWorklist,
  type Concept,
  type ReferralSummary,
  type RoleSummary,
  type ServiceSummary,
  type WorklistItem,
} from './parse';
import {
  checkAsciiFileName,
  checkAttachment,
  checkLetterIntention,
  checkNhsNumber,
  checkPathwayStart,
  checkReferringClinician,
  checkSearchCriteria,
  checkShortlist,
  checkUbrn,
  enforce,
  type ShortlistEntry,
} from './rules';
import {
  appointmentSchema,
  codeSystemSchema,
  fetchServicesListSchema,
  operationOutcomeSchema,
  practitionerRoleBundleSchema,
  professionalSessionSchema,
  referralRequestSchema,
  worklistSchema,
  type Appointment,
  type CodeSystem,
  type ProfessionalSession,
} from './schemas';
import {
  availableActionsQuery,
  buildCancelReferral,
  cancelledReferralOf,
  cancelReferralResponseSchema,
  fileNameOf,
  parseAvailableActions,
  taskBundleSchema,
} from './lifecycle';
import { checkCancellation, type CancellationReason } from './cancellation';
import { authHeaders, requestIdOf, sessionPath, stu3Path, uploadHeaders, type AuthNeed, type ErsCredentials, type Flavour } from './transport';

export interface RetryPolicy {
  /** Extra attempts for reads and searches. */
  limit: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After we will wait for automatically; longer waits go back to the user. */
  maxRetryAfterMs: number;
}

export interface RequestEvent {
  operation: string;
  method: string;
  status: number | 'network' | 'timeout';
  durationMs: number;
}

export interface ErsClientOptions {
  flavour: Flavour;
  /** `…/ers-api` (legacy) or `…/referrals/FHIR` (platform). */
  baseUrl: string;
  /** Legacy: the Accredited System ID sent as XAPI_ASID. */
  asid?: string;
  credentials: () => ErsCredentials | Promise<ErsCredentials>;
  /** Called on 401. Resolve true when fresh credentials are available for one retry. */
  reauthenticate?: (error: ErsError) => Promise<boolean>;
  timeoutMs?: number;
  uploadTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  newCorrelationId?: () => string;
  fetch?: typeof globalThis.fetch;
  /** Observability without patient data: operation id, method, status and time only. */
  onRequest?: (event: RequestEvent) => void;
}

export interface OperationSpec {
  id: string;
  method: 'get' | 'post' | 'put' | 'delete' | 'head';
  path: string;
  auth: AuthNeed;
  /** Safe to send more than once. */
  idempotent: boolean;
}

export interface SendInit {
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  accept?: string;
  timeoutMs?: number;
  /** Return the raw response bytes (A019's PDF). */
  binary?: boolean;
}

export interface SearchInput {
  nhsNumber: string;
  criteria: SearchCriteria;
  sortBy?: SortBy;
  requestType?: RequestType;
  referringClinician?: string;
  commissioningRuleOrganisation?: string;
  /** SPECIALTY code-system URL (A004 SPECIALTY `url`); defaults to `{baseUrl}/STU3[/v1]/CodeSystem/SPECIALTY`. */
  specialtySystem?: string;
}

export interface SearchResult {
  /** The exact criteria resource sent: a shortlist built from these results must embed it. */
  criteria: ParametersResource;
  services: ServiceSummary[];
}

export interface CreateInput {
  nhsNumber: string;
  referringClinician?: string;
  criteria: ParametersResource;
  /** The shortlisted services as found by the search (their flags drive the local rules). */
  shortlist: ShortlistEntry[];
  letterIntention?: LetterIntention;
  firstReminderLetterFollowUpDays?: number;
  eReferralPathwayStart?: string;
}

export interface UploadInput {
  /** The referral the file is for; left out for a file meant for a request not created yet (A044). */
  ubrn?: string;
  fileName: string;
  contentType: string;
  bytes: Uint8Array | ArrayBuffer | Blob;
}

export interface PatientLetter {
  bytes: Uint8Array;
  fileName: string;
  contentType: string;
}

/** A file read from e-RS (A007 summary, A042 attachment). */
export type ErsFile = PatientLetter;

const defaultRetry: RetryPolicy = { limit: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };

function randomId(): string {
  return globalThis.crypto.randomUUID();
}

function byteLength(bytes: Uint8Array | ArrayBuffer | Blob): number {
  return bytes instanceof Blob ? bytes.size : bytes.byteLength;
}

export class ErsClient {
  readonly flavour: Flavour;
  readonly baseUrl: string;
  private readonly options: ErsClientOptions;
  private readonly retry: RetryPolicy;
  private readonly http: KyInstance;

  constructor(options: ErsClientOptions) {
    this.options = options;
    this.flavour = options.flavour;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retry = { ...defaultRetry, ...options.retry };
    this.http = ky.create({
      prefix: this.baseUrl,
      timeout: options.timeoutMs ?? 30_000,
      fetch: options.fetch,
    });
  }

  /** Where this environment's SPECIALTY codes live when A004 has not been read yet. */
  get defaultSpecialtySystem(): string {
    return `${this.baseUrl}/${stu3Path(this.flavour, 'CodeSystem/SPECIALTY')}`;
  }

  // ---- sessions and roles -------------------------------------------------------------------

  /** A001 (legacy): open a session with a smartcard SSO token. The role is chosen next, with A002. */
  async createSession(smartcardToken: string): Promise<ProfessionalSession> {
    this.requireFlavour('legacy', 'A001');
    const op: OperationSpec = { id: 'A001', method: 'post', path: sessionPath(), auth: 'none', idempotent: false };
    const { data } = await this.send(op, { json: buildCreateSession(smartcardToken), accept: 'application/json' });
    return this.validate(op, professionalSessionSchema, data);
  }

  /** A002 (legacy): select the (business function, organisation) to act as. */
  async selectRole(session: ProfessionalSession, permission: ProfessionalPermission): Promise<ProfessionalSession> {
    this.requireFlavour('legacy', 'A002');
    const op: OperationSpec = { id: 'A002', method: 'put', path: sessionPath(session.id), auth: 'user', idempotent: true };
    const { data } = await this.send(op, {
      json: buildSelectRole({ ...session, token: session.token ?? '' }, permission),
      accept: 'application/json',
      headers: { HTTP_X_SESSION_KEY: session.id },
    });
    return this.validate(op, professionalSessionSchema, data);
  }

  /** A003 (legacy): end the session. */
  async deleteSession(sessionKey: string): Promise<void> {
    this.requireFlavour('legacy', 'A003');
    const op: OperationSpec = { id: 'A003', method: 'delete', path: sessionPath(sessionKey), auth: 'user', idempotent: true };
    await this.send(op, { headers: { HTTP_X_SESSION_KEY: sessionKey } });
  }

  /** A030 (platform): the (organisation, business function) pairs this user may act as. */
  async listRoles(): Promise<RoleSummary[]> {
    this.requireFlavour('platform', 'A030');
    const op: OperationSpec = { id: 'A030', method: 'get', path: 'R4/PractitionerRole', auth: 'user', idempotent: true };
    const { data } = await this.send(op, {});
    return parseRoles(this.validate(op, practitionerRoleBundleSchema, data));
  }

  // ---- reference data -----------------------------------------------------------------------

  /** A004: a code system. Use ReferenceDataCache to avoid fetching it more than daily. */
  async getCodeSystem(type: CodeSystemType): Promise<{ codeSystem: CodeSystem; concepts: Concept[]; etag?: string }> {
    const op = this.userOp('A004', 'get', `CodeSystem/${type}`, true);
    const { data, response } = await this.send(op, {});
    const codeSystem = this.validate(op, codeSystemSchema, data);
    return { codeSystem, concepts: parseConcepts(codeSystem), etag: response.headers.get('ETag') ?? undefined };
  }

  // ---- referral workflow --------------------------------------------------------------------

  /** A010: services for this patient under the criteria. */
  async searchServices(input: SearchInput, role?: { businessFunction?: string }): Promise<SearchResult> {
    enforce('A010', [
      ...checkNhsNumber(input.nhsNumber),
      ...checkSearchCriteria(input.criteria),
      ...(role ? checkReferringClinician(role.businessFunction, input.referringClinician) : []),
    ]);
    const criteria = buildSearchCriteria(input.criteria, { specialtySystem: input.specialtySystem ?? this.defaultSpecialtySystem });
    const body = buildPatientServiceSearch({
      requestType: input.requestType ?? 'APPOINTMENT_REQUEST',
      sortBy: input.sortBy ?? 'DISTANCE',
      nhsNumber: input.nhsNumber,
      referringClinician: input.referringClinician,
      criteria,
      commissioningRuleOrganisation: input.commissioningRuleOrganisation,
    });
    const op = this.userOp('A010', 'post', 'HealthcareService/$ers.searchHealthcareServicesForPatient', true);
    const { data } = await this.send(op, { json: body });
    return { criteria, services: parseServices(this.validate(op, fetchServicesListSchema, data)) };
  }

  /** A011: create a referral with a shortlist of 1–20 services. Never re-sent automatically. */
  async createReferral(input: CreateInput, role?: { businessFunction?: string }): Promise<ReferralSummary> {
    const letterIntention = input.letterIntention ?? 'NEED_TO_ADD_LATER';
    enforce('A011', [
      ...checkNhsNumber(input.nhsNumber),
      ...(role ? checkReferringClinician(role.businessFunction, input.referringClinician) : []),
      ...checkShortlist(input.shortlist, 'A011'),
      ...checkLetterIntention(input.shortlist, letterIntention),
      ...checkPathwayStart(input.eReferralPathwayStart),
    ]);
    const body = buildCreateReferral({
      nhsNumber: input.nhsNumber,
      referringClinician: input.referringClinician,
      letterIntention,
      firstReminderLetterFollowUpDays: input.firstReminderLetterFollowUpDays ?? 0,
      eReferralPathwayStart: this.flavour === 'platform' ? input.eReferralPathwayStart : undefined,
      criteria: input.criteria,
      serviceIds: input.shortlist.map((s) => s.id),
    });
    const op = this.userOp('A011', 'post', 'ReferralRequest/$ers.createReferral', false);
    return this.referralResponse(op, await this.send(op, { json: body }));
  }

  /** A021: create a referral and send it to one triage (RAS) service (legacy route; deprecated on the platform). */
  async createReferralAndSendForTriage(
    input: Omit<CreateInput, 'letterIntention' | 'firstReminderLetterFollowUpDays' | 'eReferralPathwayStart'>,
    role?: { businessFunction?: string },
  ): Promise<ReferralSummary> {
    enforce('A021', [
      ...checkNhsNumber(input.nhsNumber),
      ...(role ? checkReferringClinician(role.businessFunction, input.referringClinician) : []),
      ...checkShortlist(input.shortlist, 'A021'),
    ]);
    const body = buildCreateReferralAndSendForTriage({
      nhsNumber: input.nhsNumber,
      referringClinician: input.referringClinician,
      criteria: input.criteria,
      serviceIds: input.shortlist.map((s) => s.id),
    });
    const op = this.userOp('A021', 'post', 'ReferralRequest/$ers.createReferralAndSendForTriage', false);
    return this.referralResponse(op, await this.send(op, { json: body }));
  }

  /** A016 with reason TRIAGE: send an existing referral to its triage service (current platform RAS route). */
  async sendForTriage(input: { ubrn: string; version: string; serviceId: string; nhsNumber: string }): Promise<Appointment> {
    enforce('A016', [...checkUbrn(input.ubrn), ...checkNhsNumber(input.nhsNumber)]);
    const op = this.userOp('A016', 'post', 'Appointment', false);
    const { data, response } = await this.send(op, { json: buildTriageAppointment(input) });
    return this.validate(op, appointmentSchema, data, response);
  }

  /** A020: store a file for this referral. Returns the `Binary/<id>` reference A012 needs. */
  async uploadFile(input: UploadInput): Promise<{ url: string }> {
    enforce('A020', [
      ...(input.ubrn === undefined ? [] : checkUbrn(input.ubrn)),
      ...checkAttachment({ fileName: input.fileName, contentType: input.contentType, size: byteLength(input.bytes) }),
      ...checkAsciiFileName(input.fileName),
    ]);
    const op = this.userOp('A020', 'post', 'Binary', false);
    const { response } = await this.send(op, {
      body: input.bytes as BodyInit,
      headers: { 'Content-Type': input.contentType, ...uploadHeaders(this.flavour, input.fileName, input.ubrn) },
      timeoutMs: this.options.uploadTimeoutMs ?? 120_000,
    });
    const location = response.headers.get('Location');
    if (!location || !/Binary\/[^/]+$/.test(location)) {
      throw new ErsError({ kind: 'invalid-response', operation: 'A020', status: response.status, diagnostics: 'no Binary Location header' });
    }
    // Keep the reference relative and exactly as given; A012 wants `Binary/<id>`.
    return { url: location.slice(location.lastIndexOf('Binary/')) };
  }

  /**
   * A012: make the referral's letters exactly `files` (whole-set replace). `etag` must be the
   * latest one seen for this referral; a 409 means someone changed it first.
   */
  async maintainReferralLetter(input: { ubrn: string; etag: string; files: ReferralLetterFile[] }): Promise<ReferralSummary> {
    enforce('A012', [
      ...checkUbrn(input.ubrn),
      ...(input.files.length === 0 ? [{ code: 'MISSING_VALUE', diagnostics: 'a referral must keep at least one letter' }] : []),
      ...(/^W\/"\d+"$/.test(input.etag) ? [] : [{ code: 'INVALID_VALUE', diagnostics: 'If-Match must look like W/"n"' }]),
    ]);
    const op = this.userOp('A012', 'post', `ReferralRequest/${input.ubrn}/$ers.maintainReferralLetter`, false);
    const body = buildMaintainReferralLetter(input.files, { typeDisplay: this.flavour === 'legacy' ? 'Referrer' : undefined });
    return this.referralResponse(op, await this.send(op, { json: body, headers: { 'If-Match': input.etag } }));
  }

  /** A019: the patient letter as PDF bytes. e-RS errors arrive as JSON and become ErsErrors. */
  async generatePatientLetter(ubrn: string): Promise<PatientLetter> {
    return this.referralPdf('A019', ubrn, 'generatePatientLetter', 'Patient_Letter');
  }

  /** A005: read a referral back (current version, its letters, its ETag). */
  async getReferral(ubrn: string, version?: string): Promise<ReferralSummary> {
    enforce('A005', checkUbrn(ubrn));
    const suffix = version && this.flavour === 'platform' ? `/_history/${encodeURIComponent(version)}` : '';
    const op = this.userOp('A005', 'get', `ReferralRequest/${ubrn}${suffix}`, true);
    return this.referralResponse(op, await this.send(op, {}));
  }

  /** A008: one referrer worklist, derived by e-RS from the referrals' current state. A read. */
  async fetchWorklist(listType: ReferrerWorklist): Promise<WorklistItem[]> {
    const op = this.userOp('A008', 'post', 'ReferralRequest/$ers.fetchworklist', true);
    const { data } = await this.send(op, { json: buildFetchWorklist(listType) });
    return parseWorklist(this.validate(op, worklistSchema, data));
  }

  // ---- after the referral exists (A029, A036, A007, A042) --------------------------------------

  /**
   * A029: what this user may do with this referral now. `version` must be the current one (read it
   * with A005 first). Never cache the answer: it holds for this user, referral and moment only.
   */
  async getAvailableActions(ubrn: string, version: string): Promise<string[]> {
    enforce('A029', [...checkUbrn(ubrn), ...(/^\d+$/.test(version) ? [] : [{ code: 'INVALID_VALUE', diagnostics: 'version must be a number' }])]);
    const { focus, query } = availableActionsQuery(ubrn, version);
    const op = this.userOp('A029', 'get', `Task?${query}`, true);
    const { data } = await this.send(op, {});
    return parseAvailableActions(this.validate(op, taskBundleSchema, data), focus);
  }

  /**
   * A036: cancel the referral (and its current appointment). A one-way end state, so never re-sent
   * automatically: a lost answer is `outcome-unknown`, resolved by reading the referral back. The
   * answer has no ETag; the new version comes from the body.
   */
  async cancelReferral(input: { ubrn: string; etag: string; reason: CancellationReason; comment?: string }): Promise<ReferralSummary> {
    this.requireFlavour('platform', 'A036');
    enforce('A036', [
      ...checkUbrn(input.ubrn),
      ...(/^W\/"\d+"$/.test(input.etag) ? [] : [{ code: 'INVALID_VALUE', diagnostics: 'If-Match must look like W/"n"' }]),
      ...checkCancellation(input.reason, input.comment),
    ]);
    const op = this.userOp('A036', 'post', `ReferralRequest/${input.ubrn}/$ers.cancelReferral`, false);
    const body = buildCancelReferral({ reasonSystem: input.reason.system, reason: input.reason.code, comment: input.comment });
    // e-RS may wait up to 2 minutes on the provider's PAS when an appointment is cancelled too.
    const { data, response } = await this.send(op, { json: body, headers: { 'If-Match': input.etag }, timeoutMs: 150_000 });
    return parseReferral(cancelledReferralOf(this.validate(op, cancelReferralResponseSchema, data, response)));
  }

  /** A007: the referral's clinical information summary (what the provider sent back included) as a PDF. */
  async getClinicalInformationSummary(ubrn: string): Promise<ErsFile> {
    return this.referralPdf('A007', ubrn, 'generateCRI', 'Clinical_Information_Summary');
  }

  /**
   * A042: an attachment's bytes. e-RS answers 307 with a short-lived object-store Location; the
   * redirect is followed on every call and the Location is never kept. 422 when the file is not
   * AVAILABLE (still being scanned, or a threat was found).
   */
  async downloadAttachment(binaryRef: string): Promise<ErsFile> {
    this.requireFlavour('platform', 'A042');
    const id = binaryRef.replace(/^Binary\//, '');
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(id)) enforce('A042', [{ code: 'INVALID_VALUE', diagnostics: 'not an attachment id' }]);
    const op: OperationSpec = { id: 'A042', method: 'get', path: `R4/Binary/${encodeURIComponent(id)}`, auth: 'user-and-role', idempotent: true };
    const { response, bytes } = await this.send(op, { accept: '*/*', binary: true });
    return {
      bytes: bytes ?? new Uint8Array(),
      fileName: fileNameOf(response.headers.get('Content-Disposition'), `attachment-${id}`),
      contentType: (response.headers.get('Content-Type') ?? 'application/octet-stream').split(';')[0].trim(),
    };
  }

  // ---- plumbing -----------------------------------------------------------------------------

  /**
   * One call for the operation modules (booking-client.ts): this client's auth, 401 handling,
   * retry policy (reads only) and zod validation of the answer.
   */
  async request<T extends z.ZodType>(op: OperationSpec, init: SendInit, schema: T): Promise<{ data: z.infer<T>; response: Response }> {
    const { data, response } = await this.send(op, init);
    return { data: this.validate(op, schema, data, response), response };
  }

  /** As request, for answers with no body (A037 HEAD). */
  async requestNoBody(op: OperationSpec, init: SendInit): Promise<Response> {
    return (await this.send(op, init)).response;
  }

  /** An STU3 operation made as the signed-in user in their selected role. */
  private userOp(id: string, method: OperationSpec['method'], path: string, idempotent: boolean): OperationSpec {
    return { id, method, path: stu3Path(this.flavour, path), auth: 'user-and-role', idempotent };
  }

  /** A PDF about one referral (A007, A019): POST ReferralRequest/{ubrn}/$ers.{operation}, named `{ubrn}_{name}.pdf` when e-RS gives no name. */
  private async referralPdf(id: string, ubrn: string, operation: string, name: string): Promise<ErsFile> {
    enforce(id, checkUbrn(ubrn));
    return this.pdfResponse(this.userOp(id, 'post', `ReferralRequest/${ubrn}/$ers.${operation}`, true), `${ubrn}_${name}.pdf`);
  }

  /** A PDF answer (A007, A019): checks it really is a PDF; e-RS errors arrive as JSON and became ErsErrors. */
  private async pdfResponse(op: OperationSpec, fallbackName: string): Promise<ErsFile> {
    const { response, bytes } = await this.send(op, { accept: 'application/pdf', binary: true });
    const contentType = response.headers.get('Content-Type') ?? '';
    if (!contentType.includes('application/pdf') || !bytes || !isPdf(bytes)) {
      throw new ErsError({
        kind: 'invalid-response',
        operation: op.id,
        status: response.status,
        diagnostics: `expected a PDF, got ${contentType || 'no content type'}`,
      });
    }
    return { bytes, fileName: fileNameOf(response.headers.get('Content-Disposition'), fallbackName), contentType: 'application/pdf' };
  }

  private requireFlavour(flavour: Flavour, operation: string): void {
    if (this.flavour !== flavour) {
      throw new ErsError({
        kind: 'rule',
        operation,
        message: `This is not available with ${this.flavour === 'legacy' ? 'the older (smartcard)' : 'the current'} e-RS connection: ask NHS IT which e-RS connection this organisation uses.`,
      });
    }
  }

  private referralResponse(op: OperationSpec, { data, response }: { data: unknown; response: Response }): ReferralSummary {
    return parseReferral(this.validate(op, referralRequestSchema, data, response), response.headers.get('ETag'));
  }

  /** Validates a response with zod; public so feature operation modules (e.g. ./advice.ts) share it. */
  validate<T extends z.ZodType>(op: OperationSpec, schema: T, data: unknown, response?: Response): z.infer<T> {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      // A 2xx to a change (e.g. a proxy's HTML page after e-RS processed it) does not say the change
      // failed: keep whatever ids it carried so the caller can carry on by reading back.
      const change = !op.idempotent;
      throw new ErsError({
        kind: 'invalid-response',
        operation: op.id,
        status: response?.status,
        diagnostics: parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; '),
        extracted: change && response ? extractIds(data, response.headers) : undefined,
        message: change ? plainMessage({ kind: 'outcome-unknown', operation: op.id }) : undefined,
      });
    }
    return parsed.data;
  }

  /**
   * One logical call: 401 → re-authenticate and one retry; reads retry transient failures. Public so
   * operations kept in their own modules (./advice.ts) use the same auth, retry and error path.
   */
  async send(op: OperationSpec, init: SendInit): Promise<{ response: Response; data: unknown; bytes?: Uint8Array }> {
    let reauthenticated = false;
    for (let tries = 0; ; tries++) {
      try {
        return await this.attempt(op, init);
      } catch (error) {
        if (!(error instanceof ErsError)) throw error;
        if (error.status === 401 && !reauthenticated && this.options.reauthenticate) {
          reauthenticated = true;
          if (await this.options.reauthenticate(error)) continue;
          throw error;
        }
        const delay = this.retryDelay(op, error, tries);
        if (delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** How long to wait before retrying, or undefined when this failure must go back to the user. */
  private retryDelay(op: OperationSpec, error: ErsError, attempt: number): number | undefined {
    if (!op.idempotent || attempt >= this.retry.limit) return undefined;
    const transient = error.kind === 'network' || error.kind === 'timeout' || (error.kind === 'http' && (error.status === 429 || (error.status ?? 0) >= 500));
    if (!transient) return undefined;
    if (error.retryAfterSeconds !== undefined) {
      const ms = error.retryAfterSeconds * 1000;
      return ms <= this.retry.maxRetryAfterMs ? ms : undefined;
    }
    return Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
  }

  private async attempt(op: OperationSpec, init: SendInit) {
    const credentials = await this.options.credentials();
    const correlationId = (this.options.newCorrelationId ?? randomId)();
    const headers: Record<string, string> = {
      Accept: init.accept ?? 'application/fhir+json',
      ...authHeaders(this.flavour, op.auth, credentials, { asid: this.options.asid, correlationId }),
      ...init.headers,
    };
    // The legacy session DTO is plain JSON; everything else is FHIR.
    if (init.json !== undefined) headers['Content-Type'] = op.id === 'A001' || op.id === 'A002' ? 'application/json' : 'application/fhir+json';
    const started = Date.now();
    let response: Response;
    try {
      response = await this.http(op.path, {
        method: op.method,
        headers,
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
        retry: 0,
        throwHttpErrors: false,
        timeout: init.timeoutMs ?? this.options.timeoutMs ?? 30_000,
      });
    } catch (cause) {
      const timedOut = isTimeoutError(cause);
      this.options.onRequest?.({ operation: op.id, method: op.method, status: timedOut ? 'timeout' : 'network', durationMs: Date.now() - started });
      throw new ErsError({
        kind: op.idempotent ? (timedOut ? 'timeout' : 'network') : 'outcome-unknown',
        operation: op.id,
        correlationId,
        cause,
      });
    }
    const requestId = requestIdOf(response.headers);
    let bytes: Uint8Array | undefined;
    let data: unknown;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (cause) {
      this.options.onRequest?.({ operation: op.id, method: op.method, status: 'network', durationMs: Date.now() - started });
      throw new ErsError({ kind: op.idempotent ? 'network' : 'outcome-unknown', operation: op.id, correlationId, requestId, cause });
    }
    this.options.onRequest?.({ operation: op.id, method: op.method, status: response.status, durationMs: Date.now() - started });
    const contentType = response.headers.get('Content-Type') ?? '';
    const isJson = /json/i.test(contentType) || (bytes.length > 0 && bytes[0] === 0x7b /* { */ && !contentType.includes('pdf'));
    if (bytes.length > 0 && isJson) {
      try {
        data = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        data = undefined;
      }
    }
    if (!response.ok) throw this.httpError(op, response, data, bytes, correlationId, requestId);
    return { response, data, bytes: init.binary ? bytes : undefined };
  }

  private httpError(op: OperationSpec, response: Response, data: unknown, bytes: Uint8Array, correlationId: string, requestId?: string): ErsError {
    const outcome = operationOutcomeSchema.safeParse(data);
    const details = outcome.success ? outcomeDetails(outcome.data) : {};
    const text = !outcome.success && bytes.length > 0 && bytes.length < 2_000 ? new TextDecoder().decode(bytes) : undefined;
    const retryAfter = response.headers.get('Retry-After');
    let retryAfterSeconds: number | undefined;
    if (retryAfter) {
      const seconds = Number(retryAfter);
      retryAfterSeconds = Number.isFinite(seconds) ? seconds : Math.max(0, (Date.parse(retryAfter) - Date.now()) / 1000);
    }
    const init = {
      kind: 'http' as const,
      operation: op.id,
      status: response.status,
      code: details.code,
      diagnostics: details.diagnostics ?? text,
      correlationId,
      requestId,
      retryAfterSeconds,
    };
    const error = new ErsError(init);
    // A change that failed without a proven refusal (5xx, a gateway's page) may have been applied.
    if (!op.idempotent && classifyChangeFailure(error) === 'unknown') return new ErsError({ ...init, kind: 'outcome-unknown' });
    return error;
  }
}

function isPdf(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46; // %PDF
}
