// An Advice and Guidance request as this extension keeps it: what the user asked (patient, the one
// A&G service, the question, the files, the conversion choice), where the send stands, and what
// polling A024 last saw. Bound to the user who made it (`owner`, as drafts are): e-RS has no
// referrer A&G worklist, so this list is the only way the user finds their requests again.
import type { ConversionAuthorisation } from '../ers/advice';
import type { ParametersResource } from '../ers/fhir';

export interface AdviceFile {
  /** Key of the file's bytes in the local store. */
  key: string;
  name: string;
  contentType: string;
  size: number;
  /** `Binary/<id>` once A020 stored it. */
  binaryUrl?: string;
  indexed?: string;
}

export type AdvicePhase =
  | 'editing' // being written
  | 'ready' // the user pressed Send; nothing has gone to e-RS yet (or e-RS provably refused it)
  | 'uploading' // A020 per file (before the request exists; an unused upload is never seen by anyone)
  | 'creating' // A044 sent (saved before sending): found like this on resume, the outcome is unknown
  | 'outcome-unknown' // A044's answer was lost or unreadable: resolved by reading back, never re-sent automatically
  | 'sent'; // e-RS holds it: UBRN known

export interface AdviceError {
  step: string;
  code?: string;
  status?: number;
  kind: string;
  message: string;
}

/** What the last A024 read said. */
export interface AdviceTracking {
  status: string;
  version: string;
  /** The version the user last opened the conversation at: a newer reply is "waiting". */
  seenVersion?: string;
  lastPolledAt?: number;
  /** Not before this time: e-RS's Retry-After (the interval is counted from `lastPolledAt`). */
  nextPollAt?: number;
  lastError?: AdviceError;
}

export interface AdviceRecord {
  id: string;
  /** `ownerKey()` of the user who made it (SDS user id @ ODS). */
  owner: string;
  /** The patient as the page showed it when the request was started (compared whole before sending). */
  patient: { nhsNumber: string; displayName: string; birthDate?: string; gender?: string };
  service?: { id: string; name: string };
  /** The criteria of the A&G search the service was found with (A044 embeds them). */
  criteria?: ParametersResource;
  request: string;
  files: AdviceFile[];
  /** Undefined until the user chooses: there is no default. */
  conversion?: ConversionAuthorisation;
  /** SDS user id of the clinician an admin (RCA) asks on behalf of. */
  referringClinician?: string;
  phase: AdvicePhase;
  /** When the A044 went out (to tell the user what to look for after a lost answer). */
  sendStartedAt?: number;
  ubrn?: string;
  /** A UBRN a lost answer still carried, to be confirmed by reading it back. */
  candidateUbrn?: string;
  error?: AdviceError;
  tracking?: AdviceTracking;
  /**
   * Converted into a referral: when a referrer worklist (A008) first listed its UBRN. Until then the
   * Referrals view shows it from this record (utils/tracking/converted.ts); afterwards, from e-RS.
   */
  listedAt?: number;
  createdAt: number;
  updatedAt: number;
}

/** Where records are kept (IndexedDB in the extension, a Map in tests). */
export interface AdviceStore {
  get(id: string): Promise<AdviceRecord | undefined>;
  put(record: AdviceRecord): Promise<void>;
  list(owner: string): Promise<AdviceRecord[]>;
  getFile(key: string): Promise<Blob | undefined>;
}
