// The fault matrix: every fault kind at every step of a submission (create, triage, upload, attach,
// patient letter), run through the real at-most-once state machine against the real simulator over
// HTTP, with drafts in (fake) IndexedDB. Each case reports what the simulator then holds, so the
// test (test/referral/fault-matrix.test.ts) and `npm run bench` (scripts/bench-faults.ts) count
// duplicate referrals and lost letters from e-RS's side, not from what the extension believes.
//
// A fault kind is a name and an `arrange` function: it may configure the simulator, wrap the API the
// submission talks through, or both. New kinds (for example sign-out or screen lock during a step,
// which act on the extension rather than on e-RS) are added by appending to FAULT_KINDS, or by
// passing a list to runFaultMatrix.
import { IDBFactory } from 'fake-indexeddb';
import { ErsClient, type Flavour } from '../../utils/ers';
import { newDraft, ownerKey, type Draft } from '../../utils/referral/model';
import { advance, requestSubmission, type SubmissionApi, type SubmitContext } from '../../utils/referral/submit';
import { fileKey, putBlob, putDraft, resetDbConnection } from '../../utils/referral/store';
import { TEST_SMARTCARDS, USER_IDS, type RouteId, type RunningSimulator } from 'ers-simulator';

/** The matrix's drafts belong to Dr Adams in her practice (the owner key the extension uses). */
const MATRIX_OWNER = ownerKey({ userId: USER_IDS.adams, ods: 'B86001' });

export type MatrixStep = 'create' | 'triage' | 'upload' | 'attach' | 'patient-letter';

/** A submission route under test: the flavour, and whether the service is a triage (RAS) service. */
export interface MatrixRoute {
  flavour: Flavour;
  ras: boolean;
}

export const MATRIX_ROUTES: readonly MatrixRoute[] = [
  { flavour: 'platform', ras: true }, // A011 + A016 TRIAGE + A020 + A012 + A019
  { flavour: 'platform', ras: false }, // A011 + A020 + A012 + A019
  { flavour: 'legacy', ras: true }, // A021 (create and send for triage) + A020 + A012 + A019
];

/** The e-RS operation of a step on a route, or undefined when the route has no such step. */
export function stepOperation(route: MatrixRoute, step: MatrixStep): { route: RouteId; method: keyof SubmissionApi } | undefined {
  switch (step) {
    case 'create':
      return route.flavour === 'legacy' && route.ras
        ? { route: 'A021', method: 'createReferralAndSendForTriage' }
        : { route: 'A011', method: 'createReferral' };
    case 'triage':
      return route.flavour === 'platform' && route.ras ? { route: 'A016', method: 'sendForTriage' } : undefined;
    case 'upload':
      return { route: 'A020', method: 'uploadFile' };
    case 'attach':
      return { route: 'A012', method: 'maintainReferralLetter' };
    case 'patient-letter':
      return { route: 'A019', method: 'generatePatientLetter' };
  }
}

export interface ArrangeInput {
  sim: RunningSimulator;
  /** The step's e-RS operation (simulator route id) and the API method that sends it. */
  route: RouteId;
  method: keyof SubmissionApi;
  api: SubmissionApi;
}

export interface Arranged {
  /** The API the submission talks through for this case. */
  api: SubmissionApi;
  /**
   * Resolves when the fault struck in a way that ends this run (the worker stopped): the runner
   * abandons the run and resumes the draft from IndexedDB, as a restarted worker would.
   */
  struck?: Promise<void>;
}

export interface FaultKind {
  name: string;
  arrange(input: ArrangeInput): Arranged;
}

/** Wraps `api` so that the first call of `method` reaches e-RS and then never answers. */
export function stopAfter(api: SubmissionApi, method: keyof SubmissionApi): Arranged {
  let signal!: () => void;
  const struck = new Promise<void>((resolve) => {
    signal = resolve;
  });
  let done = false;
  const wrapped = new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        if (prop === method && !done) {
          done = true;
          signal();
          return new Promise(() => undefined);
        }
        return result;
      };
    },
  }) as SubmissionApi;
  return { api: wrapped, struck };
}

export const FAULT_KINDS: FaultKind[] = [
  {
    name: 'gateway-502-after-processing',
    arrange: ({ sim, route, api }) => {
      sim.injectFault({ route, kind: 'gateway', status: 502 });
      return { api };
    },
  },
  {
    name: 'gateway-504-after-processing',
    arrange: ({ sim, route, api }) => {
      sim.injectFault({ route, kind: 'gateway', status: 504 });
      return { api };
    },
  },
  {
    name: 'html-200-after-processing',
    arrange: ({ sim, route, api }) => {
      sim.injectFault({ route, kind: 'html' });
      return { api };
    },
  },
  {
    name: 'dropped-answer',
    arrange: ({ sim, route, api }) => {
      sim.injectFault({ route, kind: 'drop' });
      return { api };
    },
  },
  { name: 'worker-stopped', arrange: ({ api, method }) => stopAfter(api, method) },
];

export const MATRIX_NHS_NUMBER = '9434765919';
export const MATRIX_LETTER = 'referral-letter.pdf';

/** A signed-in client of the simulator as Dr Adams (platform: a token; legacy: a session with the role selected). */
export async function matrixClient(
  sim: RunningSimulator,
  flavour: Flavour,
  retry: { baseDelayMs: number; maxDelayMs?: number } = { baseDelayMs: 5, maxDelayMs: 20 },
): Promise<ErsClient> {
  if (flavour === 'platform') {
    const token = sim.issueToken(USER_IDS.adams);
    return new ErsClient({
      flavour,
      baseUrl: `${sim.url}/referrals/FHIR`,
      credentials: () => ({ accessToken: token, businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }),
      retry,
    });
  }
  const creds: { sessionKey?: string } = {};
  const client = new ErsClient({ flavour, baseUrl: `${sim.url}/ers-api`, asid: '200000000001', credentials: () => creds, retry });
  const session = await client.createSession(TEST_SMARTCARDS.adams);
  creds.sessionKey = (await client.selectRole(session, { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'B86001' })).id;
  return client;
}

/** Choices a test varies on the draft; the defaults are the matrix's own draft. */
export interface MatrixDraftOptions {
  letter?: 'attach' | 'to-follow';
  nhsNumber?: string;
  priority?: 'ROUTINE' | 'URGENT';
}

/** A draft as the panel leaves it: searched, one service shortlisted, the letter attached (or to follow). */
export async function matrixDraft(client: ErsClient, ras: boolean, options: MatrixDraftOptions = {}): Promise<Draft> {
  const nhsNumber = options.nhsNumber ?? MATRIX_NHS_NUMBER;
  const criteria = { priority: options.priority ?? 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true } as const;
  const found = await client.searchServices({ nhsNumber, criteria });
  const pick = found.services.find((s) => s.isTriage === ras);
  if (!pick) throw new Error(`no ${ras ? 'triage' : 'bookable'} cardiology service in the simulator`);
  const draft = newDraft({
    owner: MATRIX_OWNER,
    hostOrigin: 'http://127.0.0.1:1',
    sourceUrl: 'http://127.0.0.1:1/demo/gp/',
    patient: { nhsNumber, displayName: 'JONES, Sarah (Mrs)' },
    ttlMs: 86_400_000,
    now: Date.now(),
  });
  draft.search.criteria = criteria;
  draft.criteriaResource = found.criteria;
  draft.shortlist = [pick];
  draft.letterMode = options.letter ?? 'attach';
  if (draft.letterMode === 'attach') {
    draft.files = [{ id: 'f1', name: MATRIX_LETTER, contentType: 'application/pdf', size: 20 }];
    await putBlob(fileKey(draft.id, 'f1'), draft.id, new Blob(['%PDF-1.4 test letter'], { type: 'application/pdf' }));
  }
  await putDraft(draft);
  return draft;
}

export interface MatrixCase {
  flavour: Flavour;
  ras: boolean;
  step: MatrixStep;
  fault: string;
  /** Referrals for the patient in the simulator afterwards (must be exactly 1). */
  referrals: number;
  /** Whether that referral has our letter linked, and nothing else (must be true). */
  letterLinked: boolean;
  /** Whether a RAS referral ended up with its triage service. */
  triaged: boolean;
  phase: string;
  patientLetter: boolean;
  ubrnMatches: boolean;
}

export interface MatrixSummary {
  cases: MatrixCase[];
  duplicateReferrals: number;
  lostLetters: number;
  unresolved: number;
}

/**
 * Runs every (route, step, fault kind) case. Each case starts from a fresh simulator state and a
 * fresh IndexedDB, submits with the fault arranged, and (when the fault stopped the run) resumes
 * the draft as a restarted worker would. No user action is taken: everything must resolve itself.
 */
export async function runFaultMatrix(
  sim: RunningSimulator,
  kinds: readonly FaultKind[] = FAULT_KINDS,
  routes: readonly MatrixRoute[] = MATRIX_ROUTES,
): Promise<MatrixSummary> {
  const cases: MatrixCase[] = [];
  const steps: MatrixStep[] = ['create', 'triage', 'upload', 'attach', 'patient-letter'];
  for (const route of routes) {
    for (const step of steps) {
      const op = stepOperation(route, step);
      if (!op) continue;
      for (const kind of kinds) {
        sim.reset();
        sim.clearFaults();
        globalThis.indexedDB = new IDBFactory();
        resetDbConnection();
        const client = await matrixClient(sim, route.flavour);
        const draft = await matrixDraft(client, route.ras);
        const ctx = (api: SubmissionApi): SubmitContext => ({ api, userId: USER_IDS.adams, reconcileDelaysMs: [0, 10, 20, 40] });
        const arranged = kind.arrange({ sim, route: op.route, method: op.method, api: client });
        const run = requestSubmission(ctx(arranged.api), draft.id).then(() => advance(ctx(arranged.api), draft.id));
        let final: Draft;
        if (arranged.struck) {
          const first = await Promise.race([arranged.struck.then(() => undefined), run]);
          final = first ?? (await advance(ctx(client), draft.id));
        } else {
          final = await run;
        }
        sim.clearFaults();
        const held = sim.referrals().filter((r) => r.patientNhsNumber === MATRIX_NHS_NUMBER);
        const letters =
          held.length === 1
            ? sim
                .binaries()
                .filter((b) => b.linkedUbrn === held[0].ubrn)
                .map((b) => b.fileName)
            : [];
        cases.push({
          flavour: route.flavour,
          ras: route.ras,
          step,
          fault: kind.name,
          referrals: held.length,
          letterLinked: letters.length === 1 && letters[0] === MATRIX_LETTER,
          triaged: !route.ras || held[0]?.state === 'AWAITING_TRIAGE',
          phase: final.submission.phase,
          patientLetter: Boolean(final.submission.patientLetter),
          ubrnMatches: held.length === 1 && final.submission.ubrn === held[0].ubrn,
        });
      }
    }
  }
  return {
    cases,
    duplicateReferrals: cases.reduce((n, c) => n + Math.max(0, c.referrals - 1), 0),
    lostLetters: cases.filter((c) => c.referrals >= 1 && !c.letterLinked).length,
    unresolved: cases.filter((c) => c.phase !== 'complete').length,
  };
}
