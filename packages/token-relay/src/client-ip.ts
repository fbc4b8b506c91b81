// The address a request came from. X-Forwarded-For is believed only when the TCP peer is one of the
// configured proxies; otherwise anyone reaching the relay directly could name any address and get a
// fresh rate-limit bucket per request.
import { isIP } from 'node:net';

/** ::ffff:10.0.0.1 and 10.0.0.1 are the same client. */
export function normaliseIp(address: string): string {
  const trimmed = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed);
  return mapped ? mapped[1]! : trimmed;
}

/**
 * Walks X-Forwarded-For from the right (the entries our own proxies appended), skipping trusted
 * proxies, and stops at the first address not in the list: that is the client as the outermost
 * trusted proxy saw it. Entries to its left were written by the client and are ignored.
 */
export function clientIp(peer: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: ReadonlySet<string>): string {
  let current = normaliseIp(peer ?? 'unknown');
  if (!trustedProxies.has(current)) return current;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((s) => normaliseIp(s))
    .filter(Boolean);
  while (hops.length > 0 && trustedProxies.has(current)) {
    const next = hops.pop()!;
    if (!isIP(next)) return current; // garbage from a misconfigured proxy: stay with what we know
    current = next;
  }
  return current;
}
