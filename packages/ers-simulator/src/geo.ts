// Postcodes → coordinates, and distances between them.
//
// The simulator has no network and must not ship the real postcode file, so it knows the approximate
// centroid of a few dozen postcode *districts* (the outward code, e.g. "LS1"). Any full postcode in a
// known district resolves to that district's centroid; that is accurate to a mile or two, which is all
// the e-RS distance filter (whole miles) needs. Unknown districts answer `undefined` so callers can
// raise REFERENCE_NOT_FOUND, as e-RS does for a postcode it cannot place.

import { dataPath, readCsv } from './data-files';

export interface LatLon {
  lat: number;
  lon: number;
}

/** Approximate district centroids (WGS84) from data/postcode-districts.csv. Fictional-data friendly: only the geography is real. */
const DISTRICTS: ReadonlyMap<string, LatLon> = new Map(
  readCsv(dataPath('postcode-districts.csv')).map(([district, lat, lon]) => [district, { lat: Number(lat), lon: Number(lon) }]),
);

/** Upper-case, single space before the 3-character inward code: "ls12ut" → "LS1 2UT". */
export function normalisePostcode(raw: string): string {
  const compact = raw.replace(/\s+/g, '').toUpperCase();
  return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}

/** Loose UK postcode shape check (outward 2–4 chars, inward digit + 2 letters). */
export function isPostcodeShaped(raw: string): boolean {
  return /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/.test(normalisePostcode(raw));
}

export function lookupPostcode(raw: string): LatLon | undefined {
  if (!isPostcodeShaped(raw)) return undefined;
  const outward = normalisePostcode(raw).split(' ')[0];
  return DISTRICTS.get(outward);
}

/** Great-circle distance in miles (e-RS reports whole miles). */
export function distanceMiles(a: LatLon, b: LatLon): number {
  const R = 3958.8;
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}
