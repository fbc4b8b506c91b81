// Small node:http helpers: replies, body reading with a size cap, media-type negotiation.
// node:http is used (rather than a framework) because it keeps header names with underscores such as
// XAPI_ASID and HTTP_X_SESSION_KEY, which the legacy flavour needs and many proxies/servers drop.

import type { IncomingMessage } from 'node:http';
import { ErsError } from './errors';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** object → JSON; string/Buffer → as is. */
  body?: Buffer | string | object;
  contentType?: string;
}

export const FHIR_JSON = 'application/fhir+json;charset=UTF-8';

export function fhir(status: number, body: object, headers: Record<string, string> = {}): Reply {
  return { status, body, headers, contentType: FHIR_JSON };
}

export interface ReadBody {
  bytes: Buffer;
  /** Full size of the body, even beyond the cap. */
  size: number;
}

/**
 * Reads the whole request body but keeps at most `keep` bytes: an oversized upload must still be
 * answered with a proper 422 FILE_SIZE_ERROR rather than a reset connection.
 */
const PREREAD = Symbol('preread body');

/**
 * Read the whole body now and keep it on the request, so a handler that runs later (after injected
 * latency) still sees it even if the client has gone away meanwhile, as a real server that had
 * received the request would.
 */
export async function prereadBody(req: IncomingMessage, hardLimit = 64 * 1024 * 1024): Promise<void> {
  const { bytes } = await readBody(req, hardLimit, hardLimit);
  (req as IncomingMessage & { [PREREAD]?: Buffer })[PREREAD] = bytes;
}

export function readBody(req: IncomingMessage, keep: number, hardLimit = 64 * 1024 * 1024): Promise<ReadBody> {
  const preread = (req as IncomingMessage & { [PREREAD]?: Buffer })[PREREAD];
  if (preread) return Promise.resolve({ bytes: preread.subarray(0, keep), size: preread.length });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let kept = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > hardLimit) {
        reject(new ErsError(413, 'FILE_SIZE_ERROR', 'Request body too large.', { kind: 'text' }));
        req.destroy();
        return;
      }
      if (kept < keep) {
        const part = c.subarray(0, keep - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    req.on('end', () => resolve({ bytes: Buffer.concat(chunks), size }));
    req.on('error', reject);
  });
}

export function mediaTypeOf(header: string | undefined): string | undefined {
  const t = header?.split(';')[0].trim().toLowerCase();
  return t || undefined;
}

/** FHIR JSON endpoints take application/fhir+json (and application/json, as the sandbox does). */
export function requireJsonContentType(header: string | undefined): void {
  const t = mediaTypeOf(header);
  if (t !== 'application/fhir+json' && t !== 'application/json') {
    throw new ErsError(415, 'UNSUPPORTED_MEDIA_TYPE', `Unsupported Media Type: ${t ?? '(none)'}; use application/fhir+json`, { kind: 'text' });
  }
}

/** 406 unless the Accept header (if any) admits one of `offered`. */
export function negotiate(accept: string | undefined, offered: readonly string[]): void {
  if (!accept) return;
  const ranges = accept
    .split(',')
    .map((r) => r.split(';')[0].trim().toLowerCase())
    .filter(Boolean);
  const ok = ranges.some((r) => r === '*/*' || offered.includes(r) || (r.endsWith('/*') && offered.some((o) => o.startsWith(r.slice(0, -1)))));
  if (!ok) throw new ErsError(406, 'NOT_ACCEPTABLE', `Not Acceptable: this endpoint produces ${offered.join(', ')}`, { kind: 'text' });
}

export function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new ErsError(400, 'INVALID_FHIR_STRUCTURE', 'Request body is empty.', { issueCode: 'structure' });
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ErsError(400, 'INVALID_FHIR_STRUCTURE', 'Request body is not valid JSON.', { issueCode: 'structure' });
  }
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
