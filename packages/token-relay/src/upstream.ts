// The call to the platform's token endpoint: a form with the client secret, a timeout, an answer read
// only up to a byte cap (the stream is cancelled there, not read to the end), and the platform's
// answer mapped to the relay's contract.
import { HttpError, MESSAGES } from './errors.js';
import type { RelayConfig } from './config.js';

export type Grant = 'authorization_code' | 'refresh_token';

export interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  scope?: string;
}

export interface PlatformAnswer {
  answer: TokenAnswer;
  /** refresh_token_expires_in, when the platform said. */
  refreshExpiresIn?: number;
}

export interface UpstreamResult {
  status?: number;
  bytesRead: number;
  seconds: number;
}

class TooLarge extends Error {}

/** Reads at most `cap` bytes of the body; cancels the stream as soon as it goes over. */
export async function readCapped(response: Response, cap: number, onBytes: (n: number) => void): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > cap) {
    await response.body?.cancel().catch(() => undefined);
    throw new TooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    onBytes(value.byteLength);
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Turns the platform's answer into the relay's: only the contract's fields on success, a mapped error otherwise. */
export function mapUpstream(status: number, headers: Headers, text: string, grant: Grant, warn: (message: string) => void): PlatformAnswer {
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    /* not JSON */
  }

  if (status >= 200 && status < 300) {
    const expires = typeof json?.expires_in === 'string' ? Number(json.expires_in) : json?.expires_in;
    if (
      !json ||
      typeof json.access_token !== 'string' ||
      !json.access_token ||
      typeof json.token_type !== 'string' ||
      typeof expires !== 'number' ||
      !Number.isFinite(expires) ||
      expires < 0
    ) {
      throw new HttpError(502, 'upstream_error', MESSAGES.upstreamOdd, {}, 'upstream_odd');
    }
    const answer: TokenAnswer = { access_token: json.access_token, token_type: json.token_type, expires_in: Math.floor(expires) };
    if (typeof json.refresh_token === 'string' && json.refresh_token) answer.refresh_token = json.refresh_token;
    if (typeof json.scope === 'string' && json.scope) answer.scope = json.scope;
    const rtExpires = Number(json.refresh_token_expires_in);
    return Number.isFinite(rtExpires) && rtExpires > 0 ? { answer, refreshExpiresIn: rtExpires } : { answer };
  }

  if (status === 429) {
    const retry = Number(headers.get('retry-after'));
    const seconds = Number.isInteger(retry) && retry > 0 && retry <= 3600 ? retry : 30;
    throw new HttpError(429, 'rate_limited', MESSAGES.rateLimited, { 'Retry-After': String(seconds) }, 'upstream_rate_limited');
  }
  if (status >= 500) throw new HttpError(502, 'upstream_error', MESSAGES.upstream5xx, {}, 'upstream_5xx');

  const code = typeof json?.error === 'string' && /^[a-z_]{1,64}$/.test(json.error) ? json.error : undefined;
  if (status >= 400 && status < 500) {
    if (code === 'invalid_grant') {
      throw new HttpError(400, 'invalid_grant', grant === 'refresh_token' ? MESSAGES.badRefresh : MESSAGES.badGrant, {}, 'upstream_invalid_grant');
    }
    if (code === 'invalid_client' || code === 'unauthorized_client' || (status === 401 && !code)) {
      warn(`the platform refused the relay's client credentials (${status} ${code ?? 'no error code'}); check RELAY_CLIENT_ID and RELAY_CLIENT_SECRET`);
      throw new HttpError(502, 'invalid_client', MESSAGES.clientRefused, {}, 'upstream_invalid_client');
    }
    if (code === 'invalid_request') {
      throw new HttpError(400, 'invalid_request', grant === 'refresh_token' ? MESSAGES.badRefresh : MESSAGES.badGrant, {}, 'upstream_invalid_request');
    }
    warn(`the platform answered ${status} ${code ?? '(no error code)'}; check RELAY_TOKEN_URL and the application's settings`);
    throw new HttpError(502, 'upstream_error', `${MESSAGES.upstreamOdd} (platform answered ${status}${code ? ` ${code}` : ''})`, {}, 'upstream_odd');
  }
  throw new HttpError(502, 'upstream_error', `${MESSAGES.upstreamOdd} (platform answered ${status})`, {}, 'upstream_odd');
}

/** POSTs the form; `result` is filled in whatever happens, for the logs and metrics. */
export async function callPlatform(
  config: RelayConfig,
  form: URLSearchParams,
  grant: Grant,
  warn: (message: string) => void,
  result: UpstreamResult,
): Promise<PlatformAnswer> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), config.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(config.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      redirect: 'manual',
      signal: controller.signal,
    });
    result.status = response.status;
    text = await readCapped(response, config.maxUpstreamBytes, (n) => {
      result.bytesRead += n;
    });
  } catch (e) {
    controller.abort();
    if (e instanceof TooLarge) throw new HttpError(502, 'upstream_error', MESSAGES.upstreamOdd, {}, 'upstream_too_large');
    const timedOut = controller.signal.reason?.name === 'TimeoutError' || (e as Error).name === 'TimeoutError';
    throw new HttpError(
      502,
      'upstream_error',
      timedOut ? MESSAGES.upstreamTimeout : MESSAGES.upstreamUnreachable,
      {},
      timedOut ? 'upstream_timeout' : 'upstream_unreachable',
    );
  } finally {
    clearTimeout(timer);
    result.seconds = (performance.now() - started) / 1000;
  }
  return mapUpstream(response.status, response.headers, text, grant, warn);
}
