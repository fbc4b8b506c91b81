// A PanelApi for component tests: records calls, lets the test push patient-context changes.
import type { Concept, SearchInput, SearchResult, ServiceSummary } from '../../utils/ers';
import { buildSearchCriteria } from '../../utils/ers';
import type { PatientContextReport } from '../../utils/patient/types';
import type { PanelApi, PanelSession, ReconcileAction } from '../../utils/referral/panel-api';

export function service(id: string, extra: Partial<ServiceSummary> = {}): ServiceSummary {
  return {
    id,
    name: `Service ${id}`,
    bookableType: 'DIRECTLY_BOOKABLE',
    flowTypes: ['APPOINTMENT_REQUEST'],
    isTriage: false,
    referralLetterRequired: true,
    location: { ods: 'RXX', name: `Provider ${id}` },
    displayProminently: false,
    distance: Number(id) % 50,
    wait: Number(id) % 30,
    ...extra,
  };
}

export function report(nhsNumber: string, family: string, given = 'Sarah', url = 'http://127.0.0.1:4010/demo/gp/record.html'): PatientContextReport {
  return {
    status: 'single',
    confidence: 1,
    observedAt: Date.now(),
    source: { adapterId: 'demo-gp', url, title: 'GP record' },
    patient: { nhsNumber, name: { family, given: [given], prefix: 'Mrs' }, birthDate: '1958-03-14', gender: 'female', postcode: 'LS1 4AP' },
  };
}

/** Dr Kate ADAMS's SDS user id (the simulator's test user). */
export const USER_ADAMS = '021600556514';
export const OWNER = `${USER_ADAMS}@B86001`;

const concept = (code: string, display: string, specialty?: string): Concept => ({ code, display, retired: false, specialty, numbers: {} });

export function fakeApi(options: { session?: Partial<PanelSession>; report?: PatientContextReport; services?: ServiceSummary[] } = {}) {
  let contextListener: ((r: PatientContextReport | undefined) => void) | undefined;
  const sessionListeners = new Set<() => void>();
  let session: PanelSession = {
    state: 'active',
    flavour: 'platform',
    environment: 'simulator',
    userName: 'Dr Kate ADAMS',
    userId: USER_ADAMS,
    businessFunction: 'REFERRING_CLINICIAN',
    ods: 'B86001',
    roles: [{ businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001' }],
    ...options.session,
  };
  let currentReport = options.report;
  const calls = {
    search: [] as SearchInput[],
    submit: [] as { draftId: string; tabId?: number }[],
    resume: [] as string[],
    resumeTabs: [] as (number | undefined)[],
    reconcile: [] as { draftId: string; action: ReconcileAction }[],
  };
  const api: PanelApi = {
    session: async () => ({ ...session }),
    patientContext: async () => ({ report: currentReport, tabId: 7 }),
    onPatientContext: (l) => {
      contextListener = l;
      return () => {
        contextListener = undefined;
      };
    },
    onSessionChanged: (l) => {
      sessionListeners.add(l);
      return () => sessionListeners.delete(l);
    },
    referenceData: async () => ({
      specialties: [concept('CARDIOLOGY', 'Cardiology'), concept('DERMATOLOGY', 'Dermatology')],
      clinicTypes: [concept('HEART_FAILURE', 'Heart Failure', 'CARDIOLOGY'), concept('ECZEMA', 'Eczema', 'DERMATOLOGY')],
      specialtySystem: 'http://sim/referrals/FHIR/STU3/CodeSystem/SPECIALTY',
    }),
    search: async (input) => {
      calls.search.push(input);
      const result: SearchResult = {
        criteria: buildSearchCriteria(input.criteria, { specialtySystem: input.specialtySystem! }),
        services: options.services ?? [service('1'), service('2'), service('9', { isTriage: true, name: 'Cardiology RAS', flowTypes: ['TRIAGE_REQUEST'] })],
      };
      return result;
    },
    submit: async (draftId, tabId) => {
      calls.submit.push({ draftId, tabId });
    },
    resume: async (draftId, tabId) => {
      calls.resume.push(draftId);
      calls.resumeTabs.push(tabId);
    },
    reconcile: async (draftId, action) => {
      calls.reconcile.push({ draftId, action });
    },
    completeLetter: async () => undefined,
    onDraftChanged: () => () => undefined,
    preferences: async () => ({ draftTtlMs: 86_400_000, defaultPriority: 'ROUTINE', defaultSpecialty: 'CARDIOLOGY' }),
    rememberSearch: async () => undefined,
    signIn: async () => undefined,
    selectRole: async () => undefined,
  };
  return {
    api,
    calls,
    pushContext: (r: PatientContextReport | undefined) => {
      currentReport = r;
      contextListener?.(r);
    },
    /** The background says the session changed (sign-out, pause, sign-in as someone). */
    changeSession: (patch: Partial<PanelSession>) => {
      session = { ...session, ...patch };
      for (const l of sessionListeners) l();
    },
  };
}

/** For a fake API's method the test never reaches: calling it fails the test with a clear reason. */
export async function notUsed(): Promise<never> {
  throw new Error('not used');
}
