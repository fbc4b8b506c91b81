// What a failed call that changes e-RS (A011, A021, A016, A020, A012; later the booking, cancel and
// advice calls) tells us about e-RS's state. Only a proven refusal means "nothing changed, the user
// may fix and send again"; every other failure may have been applied, so it is outcome-unknown and
// must be resolved by reading e-RS, never by sending again.
import { ErsError } from './errors';

export type CallOutcome =
  | 'refused' // provably not applied: our own rule check, e-RS's 4xx OperationOutcome, or a 401/403
  | 'unknown'; // may have been applied: 5xx (gateway or e-RS), timeout, network, unreadable 2xx

/**
 * Classifies a failure of a call that changes e-RS. A gateway can forward a request and then answer
 * 502/504 (or an HTML page with 200), so a status alone proves nothing unless it is a 4xx carrying
 * e-RS's own error code, or a 401/403 (authentication and role are checked before anything is done).
 */
export function classifyChangeFailure(error: unknown): CallOutcome {
  if (!(error instanceof ErsError)) return 'unknown';
  if (error.kind === 'rule') return 'refused';
  if (error.kind !== 'http' || error.status === undefined) return 'unknown';
  if (error.status === 401 || error.status === 403) return 'refused';
  if (error.status >= 400 && error.status < 500 && error.code) return 'refused';
  return 'unknown';
}

/** Ids a 2xx answer still carried when its body failed validation, to carry on by reading back. */
export interface ExtractedIds {
  ubrn?: string;
  version?: string;
  etag?: string;
  binaryUrl?: string;
}

/** Best effort: the UBRN (body id or Location), version and ETag of a 2xx whose body we could not validate. */
export function extractIds(data: unknown, headers: Headers): ExtractedIds {
  const body = (data && typeof data === 'object' ? data : {}) as { resourceType?: unknown; id?: unknown; meta?: { versionId?: unknown } };
  const location = headers.get('Location') ?? headers.get('Content-Location') ?? '';
  const fromBody = body.resourceType === 'ReferralRequest' && typeof body.id === 'string' && /^\d{12}$/.test(body.id) ? body.id : undefined;
  const fromLocation = /ReferralRequest\/(\d{12})(?:\/|$)/.exec(location)?.[1];
  const version = typeof body.meta?.versionId === 'string' && /^\d+$/.test(body.meta.versionId) ? body.meta.versionId : undefined;
  const etag = headers.get('ETag') ?? undefined;
  const binary = /(Binary\/[^/?#]+)$/.exec(location)?.[1];
  const ids: ExtractedIds = {};
  if (fromBody ?? fromLocation) ids.ubrn = fromBody ?? fromLocation;
  if (version) ids.version = version;
  if (etag && /^W\/"\d+"$/.test(etag)) ids.etag = etag;
  if (binary) ids.binaryUrl = binary;
  return ids;
}
