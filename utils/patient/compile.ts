// Compiles validated host adapters into the compact form the content script runs (ActiveAdapter).
// Runs in the background and options page; pure, no zod.
import type { ActiveAdapter, FieldLocator, HostAdapter, NormaliserName, PatientField } from './types';

const DEFAULT_NORMALISER: Record<PatientField, NormaliserName> = {
  nhsNumber: 'nhsNumber',
  name: 'name',
  family: 'text',
  given: 'text',
  prefix: 'prefix',
  birthDate: 'date',
  gender: 'gender',
  postcode: 'postcode',
  address: 'text',
  gpPractice: 'ods',
  problems: 'text',
  medications: 'text',
  allergies: 'text',
};

const escapeRe = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/**
 * Chrome-style match pattern (`scheme://host/path`, `*` wildcards, `*.` host prefix; the port is
 * ignored, as Chrome does) → regular expression source over `protocol//hostname/path?query`.
 * Returns undefined for a malformed pattern.
 */
export function matchPatternToRegExpSource(pattern: string): string | undefined {
  if (pattern === '<all_urls>') return '^https?://[^/]+/.*$';
  const m = /^(\*|https?):\/\/(\*|(?:\*\.)?[^/*:]+)(?::\d+|:\*)?(\/.*)$/.exec(pattern);
  if (!m) return undefined;
  const [, scheme, host, path] = m as unknown as [string, string, string, string];
  const s = scheme === '*' ? 'https?' : scheme;
  const h = host === '*' ? '[^/]+' : host.startsWith('*.') ? `(?:[^/]+\\.)?${escapeRe(host.slice(2).toLowerCase())}` : escapeRe(host.toLowerCase());
  return `^${s}://${h}${path.split('*').map(escapeRe).join('.*')}$`;
}

/** `protocol//hostname/path?query` of a URL, the string adapter regexes are tested against. */
export function adapterUrlKey(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.pathname}${u.search}`;
  } catch {
    return '';
  }
}

export function urlMatchesPattern(pattern: string, url: string): boolean {
  const src = matchPatternToRegExpSource(pattern);
  return !!src && new RegExp(src).test(adapterUrlKey(url));
}

export function compileAdapter(a: HostAdapter): ActiveAdapter {
  const sources = a.matches.map(matchPatternToRegExpSource).filter((s): s is string => !!s);
  const fields: ActiveAdapter['fields'] = {};
  for (const [k, v] of Object.entries(a.fields) as [PatientField, FieldLocator | FieldLocator[] | undefined][]) {
    if (!v) continue;
    fields[k] = (Array.isArray(v) ? v : [v]).map((l) => ({ ...l, normalise: l.normalise ?? DEFAULT_NORMALISER[k] }));
  }
  const out: ActiveAdapter = {
    id: a.id,
    urlRe: sources.length ? sources.map((s) => `(?:${s})`).join('|') : '$^',
    recordOpen: a.recordOpen,
    fields,
  };
  if (a.watch?.length) out.watch = a.watch;
  if (a.buttonAnchor) out.buttonAnchor = a.buttonAnchor;
  return out;
}
