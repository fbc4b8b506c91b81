// The referral draft: everything the side panel and the background need to build and submit one
// referral, bound to one patient (NHS number) on one host. Holds no more patient data than the
// panel shows, and never credentials.
import type { LetterDraft } from '../letter/model';
import type { ParametersResource, Priority, RequestType, SearchCriteria, ServiceSummary, SortBy } from '../ers';

export interface DraftPatient {
  nhsNumber: string;
  /** As the host page showed it, for the banner: "JONES, Sarah (Mrs)". */
  displayName: string;
  birthDate?: string;
  gender?: string;
  postcode?: string;
}

export interface DraftFile {
  id: string;
  name: string;
  contentType: string;
  size: number;
  /** Told to the user when an image was scaled down to fit 5 MB. */
  note?: string;
  /** Set once A020 stored it: `Binary/<id>`. */
  binaryUrl?: string;
  indexed?: string;
}

export type SubmissionPhase =
  | 'editing' // being built
  | 'ready' // the user asked to submit; the create has not been sent
  | 'creating' // create sent (persisted before sending): if we find this on resume the outcome is unknown
  | 'outcome-unknown' // create sent, answer lost or unreadable: resolved from e-RS's worklist, never sent again automatically
  | 'created' // UBRN known
  | 'triaging' // A016 TRIAGE sent (platform RAS route)
  | 'uploading' // A020 per file
  | 'attaching' // A012 with the whole set
  | 'letter-attached'
  | 'complete'; // patient letter generated (or could not be, with the reason kept)

export type Route = 'A011' | 'A021' | 'A011+A016';

export interface StepError {
  step: string;
  code?: string;
  status?: number;
  kind: string;
  message: string;
}

/** A referral on e-RS's letters-outstanding worklist that may be the one our lost create made. */
export interface ReconcileCandidate {
  ubrn: string;
  created?: string;
  priority?: string;
  clinicalContext?: string;
}

/**
 * Looking for the referral an outcome-unknown create may have made. `searching`: not finished (it
 * resumes); `none`: e-RS shows no such referral (the user may confirm and send again); `several`:
 * the user chooses which one is this draft's.
 */
export interface Reconciliation {
  status: 'searching' | 'none' | 'several';
  candidates?: ReconcileCandidate[];
  checkedAt?: number;
}

export interface Submission {
  phase: SubmissionPhase;
  route?: Route;
  ubrn?: string;
  version?: string;
  etag?: string;
  /** The referral's Commissioning-Rule-Org (A011/A005): the header a slot search (A015) needs. */
  commissioningRuleOrg?: string;
  triageSent?: boolean;
  /** e-RS refused or failed a step; the phase stays where it was so the step can be retried. */
  error?: StepError;
  patientLetter?: { fileName: string; size: number };
  patientLetterError?: StepError;
  /** When the create was sent, so the user can be told what to look for in e-RS. */
  createSentAt?: number;
  /** After an outcome-unknown create: what e-RS's letters-outstanding worklist showed. */
  reconcile?: Reconciliation;
  /** The UBRN was found on e-RS's worklist after the create's answer was lost (not from the create's answer). */
  adopted?: boolean;
  /** The user confirmed they checked e-RS and the referral was not created, and asked to send again. */
  resentAfterCheckAt?: number;
  updatedAt: number;
}

export interface SearchState {
  criteria: SearchCriteria;
  sortBy: SortBy;
  requestType: RequestType;
}

/** Who owns a draft: the SDS user id and the organisation (ODS code) of the role it was made in. */
export interface Owner {
  userId: string;
  ods: string;
}

/** The owner as stored on drafts and outstanding letters: `userId@ODS`. */
export function ownerKey(owner: Owner): string {
  return `${owner.userId}@${owner.ods}`;
}

/** Why a draft needs the user to look at it (shown in the drafts list and on the draft). */
export interface Attention {
  reason: 'signed-out' | 'paused' | 'expired';
  message: string;
  at: number;
}

export interface Draft {
  /** `${owner}#${hostOrigin}#${nhsNumber}`: one draft per user, patient and host. */
  id: string;
  /** `ownerKey()` of the user who made it: nobody else may see, open or submit it. */
  owner: string;
  hostOrigin: string;
  /** The page the patient was read from (shown in the banner). */
  sourceUrl: string;
  patient: DraftPatient;
  search: SearchState;
  /** The exact criteria resource the shortlist's services were found with. */
  criteriaResource?: ParametersResource;
  shortlist: ServiceSummary[];
  referringClinician?: string;
  letterMode: 'attach' | 'to-follow';
  files: DraftFile[];
  /** The letter being written in the panel ("Write letter"), kept with the draft (same owner and lifetime). */
  letter?: LetterDraft;
  submission: Submission;
  /** A referral sent with "letter to follow" whose letter is now being added. */
  addingLetter?: boolean;
  /** Set when the host page showed another patient while this draft was open. */
  lockedReason?: string;
  /** A submission interrupted (sign-out, pause) or past its time-to-live: the user must look at it. */
  attention?: Attention;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

export function draftId(owner: string, hostOrigin: string, nhsNumber: string): string {
  return `${owner}#${hostOrigin}#${nhsNumber}`;
}

export function routeFor(shortlist: readonly ServiceSummary[], flavour: 'legacy' | 'platform'): Route {
  const triage = shortlist.length === 1 && shortlist[0].isTriage;
  if (!triage) return 'A011';
  return flavour === 'legacy' ? 'A021' : 'A011+A016';
}

export function newDraft(input: {
  owner: string;
  hostOrigin: string;
  sourceUrl: string;
  patient: DraftPatient;
  priority?: Priority;
  ttlMs: number;
  now: number;
  search?: Partial<SearchState>;
}): Draft {
  return {
    id: draftId(input.owner, input.hostOrigin, input.patient.nhsNumber),
    owner: input.owner,
    hostOrigin: input.hostOrigin,
    sourceUrl: input.sourceUrl,
    patient: input.patient,
    search: {
      sortBy: 'DISTANCE',
      requestType: 'APPOINTMENT_REQUEST',
      ...input.search,
      criteria: { priority: input.priority ?? 'ROUTINE', ageAndGenderAppropriate: true, ...input.search?.criteria },
    },
    shortlist: [],
    letterMode: 'attach',
    files: [],
    submission: { phase: 'editing', updatedAt: input.now },
    createdAt: input.now,
    updatedAt: input.now,
    expiresAt: input.now + input.ttlMs,
  };
}

/** Phases in which the background has work to finish (resumed after a worker restart). */
export const IN_FLIGHT: readonly SubmissionPhase[] = ['ready', 'creating', 'created', 'triaging', 'uploading', 'attaching', 'letter-attached'];

/** Once a create has been sent, the draft's patient, shortlist and route can no longer change. */
export function isSubmitted(draft: Pick<Draft, 'submission'>): boolean {
  return draft.submission.phase !== 'editing' && draft.submission.phase !== 'ready';
}
