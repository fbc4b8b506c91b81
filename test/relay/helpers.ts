// Shared bits of the relay tests: a log-capturing logger and a "simulated extension" that calls the
// relay through real HTTP with an Origin header, as the extension's service worker does.
import type { RelayLogger } from '../../relay/server';

export const EXT_ID = 'abcdefghijklmnopabcdefghijklmnop';
export const EXT_ORIGIN = `chrome-extension://${EXT_ID}`;
export const FIREFOX_ORIGIN = 'moz-extension://0b7e1c52-5a53-4c0e-9d3b-4f3f5ad2b2a1';
export const OTHER_ORIGIN = 'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba';
export const REDIRECT_URI = `https://${EXT_ID}.chromiumapp.org/cis2`;

export interface CapturedLogger extends RelayLogger {
  lines: string[];
  warnings: string[];
  all(): string;
}

export function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    info: (line) => lines.push(line),
    warn: (line) => warnings.push(line),
    all: () => [...lines, ...warnings].join('\n'),
  };
}

export interface RelayAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** POSTs JSON to the relay the way the extension does. origin: null sends no Origin header. */
export async function callRelay(relayUrl: string, path: string, body: unknown, origin: string | null = EXT_ORIGIN, init: { headers?: Record<string, string>; raw?: string } = {}): Promise<RelayAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...init.headers };
  if (origin !== null) headers.Origin = origin;
  const res = await fetch(`${relayUrl}${path}`, { method: 'POST', headers, body: init.raw ?? JSON.stringify(body) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try { parsed = text ? JSON.parse(text) as Record<string, unknown> : {}; } catch { parsed = { _raw: text }; }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** The strings that must never appear in any relay log line. */
export function assertNoneIn(haystack: string, needles: (string | undefined)[]): void {
  for (const needle of needles) {
    if (!needle) continue;
    if (haystack.includes(needle)) throw new Error(`log leaked a sensitive value (${needle.slice(0, 4)}…)`);
  }
}
