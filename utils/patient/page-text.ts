// Text as the patient reader sees it, in the page (the content script bundles this, so it stays
// tiny and has no module-level work): Unicode spaces, dashes and zero-width characters folded.
/** Longest text we ever keep for one field; host pages are data and may be hostile. */
export const MAX_FIELD_CHARS = 300;

/**
 * Text as a reader should see it: zero-width characters and soft hyphens removed, every Unicode
 * space (no-break, narrow no-break, thin, figure…) a plain space, every hyphen, dash and minus a
 * plain `-`, whitespace runs collapsed. Without this `990\u00a0830\u00a01667` is not a number.
 */
export function normaliseText(raw: string): string {
  let s = raw;
  if (/[^\x00-\x7e]/.test(s)) s = s.replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '').replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, '-');
  return s.replace(/\s+/g, ' ').trim();
}

export function cleanText(raw: string | null | undefined): string {
  if (!raw) return '';
  return normaliseText(raw.slice(0, MAX_FIELD_CHARS * 4)).slice(0, MAX_FIELD_CHARS);
}

/** Ten digits, optionally spaced or hyphenated 3-3-4, not part of a longer number. */
export const NHS_NUMBER_RE = /(?<![\d-])(\d{3}[ -]?\d{3}[ -]?\d{4})(?![\d-])/g;
