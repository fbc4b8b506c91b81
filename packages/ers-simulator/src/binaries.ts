// A020 upload rules (packages/ers-contract/docs/ers-api.md §5.5) as a pure validation function plus the store step.

import { randomUUID } from 'node:crypto';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_FILE_NAME_LENGTH } from 'ers-contract';
import { ErsError, diag, unprocessable } from './errors';
import { UBRN_PATTERN } from './fhir';
import type { Flavour } from './search';
import type { Binary, SimState } from './state';

/** The legacy list additionally had XML as application/xml (HTML was withdrawn, so it is not offered). */
const LEGACY_EXTRA: Record<string, readonly string[]> = { 'application/xml': ['xml'] };

export interface UploadInput {
  flavour: Flavour;
  fileName: string | undefined;
  contentType: string | undefined;
  intendedUbrn: string | undefined;
  size: number;
}

/** Media type without parameters, lower-cased: "text/plain; charset=utf-8" → "text/plain". */
export function mediaType(header: string | undefined): string | undefined {
  const t = header?.split(';')[0].trim().toLowerCase();
  return t || undefined;
}

/** Throws the documented error for the first rule the upload breaks. */
export function validateUpload(u: UploadInput, state: SimState): void {
  const nameHeader = u.flavour === 'platform' ? 'NHSD-eRS-File-Name' : 'X-ERS-XAPI-META-FILE_NAME';
  const ubrnHeader = u.flavour === 'platform' ? 'NHSD-eRS-Referral-ID' : 'X-ERS-XAPI-META-INTENDED_UBRN';
  if (!u.fileName) throw unprocessable('MISSING_VALUE', diag(nameHeader, 'fileName', 'file name header missing'));
  const mime = mediaType(u.contentType);
  if (!mime) throw unprocessable('MISSING_VALUE', diag('Content-Type', 'contentType', 'MIME type missing'));
  const allowed = u.flavour === 'legacy' ? { ...ATTACHMENT_TYPES, ...LEGACY_EXTRA } : ATTACHMENT_TYPES;
  const extensions = allowed[mime];
  if (!extensions) {
    // The platform answers 415 (text body, packages/ers-contract/docs/ers-api.md §4.1); the legacy API used a 422 business error.
    if (u.flavour === 'platform') throw new ErsError(415, 'UNSUPPORTED_MEDIA_TYPE', `Unsupported Media Type: ${mime}`, { kind: 'text' });
    throw unprocessable('INAPPROPRIATE_VALUE', diag('Content-Type', 'contentType', `MIME type ${mime} is not allowed`));
  }
  if (u.fileName.length > MAX_FILE_NAME_LENGTH) {
    throw unprocessable('INVALID_VALUE', diag(nameHeader, 'fileName', `file name longer than ${MAX_FILE_NAME_LENGTH} characters`));
  }
  const dot = u.fileName.lastIndexOf('.');
  const ext = dot > 0 ? u.fileName.slice(dot + 1).toLowerCase() : '';
  if (!ext) throw unprocessable('CONFLICTING_VALUES', diag(nameHeader, 'fileName', 'file name must include an extension'));
  if (!extensions.includes(ext)) {
    throw unprocessable('CONFLICTING_VALUES', diag(nameHeader, 'fileName', `extension .${ext} does not match MIME type ${mime}`));
  }
  if (u.size === 0) throw unprocessable('FILE_SIZE_ERROR', diag('body', 'data', 'the file is empty'));
  if (u.size > MAX_ATTACHMENT_BYTES) throw unprocessable('FILE_SIZE_ERROR', diag('body', 'data', `the file is larger than ${MAX_ATTACHMENT_BYTES} bytes`));
  if (u.intendedUbrn !== undefined) {
    if (!UBRN_PATTERN.test(u.intendedUbrn)) throw unprocessable('INVALID_VALUE', diag(ubrnHeader, 'ubrn', 'a UBRN is 12 digits'));
    if (!state.referrals.has(u.intendedUbrn)) throw unprocessable('REFERENCE_NOT_FOUND', diag(ubrnHeader, 'ubrn', `referral ${u.intendedUbrn} not found`));
  }
}

export function storeUpload(state: SimState, u: UploadInput & { bytes: Buffer; userId: string; ods: string; now: Date }): Binary {
  // Platform ids are UUIDs; legacy ids look like att-<ubrn without leading zeros>-<n>.
  const id = u.flavour === 'platform' ? randomUUID() : `att-${u.intendedUbrn ? String(Number(u.intendedUbrn)) : '0'}-${state.nextLegacyAttachment++}`;
  const b: Binary = {
    id,
    bytes: u.bytes,
    contentType: mediaType(u.contentType)!,
    fileName: u.fileName!,
    intendedUbrn: u.intendedUbrn,
    uploadedBy: u.userId,
    uploadedByOrg: u.ods,
    uploadedAt: u.now.getTime(),
    linkedUbrn: null,
  };
  state.binaries.set(id, b);
  return b;
}
