// Postcodes → coordinates, and distances between them.
//
// The simulator has no network and must not ship the real postcode file, so it knows the approximate
// centroid of a few dozen postcode *districts* (the outward code, e.g. "LS1"). Any full postcode in a
// known district resolves to that district's centroid; that is accurate to a mile or two, which is all
// the e-RS distance filter (whole miles) needs. Unknown districts answer `undefined` so callers can
// raise REFERENCE_NOT_FOUND, as e-RS does for a postcode it cannot place.

export interface LatLon {
  lat: number;
  lon: number;
}

/** Approximate district centroids (WGS84). Fictional-data friendly: only the geography is real. */
const DISTRICTS: Readonly<Record<string, LatLon>> = {
  // Leeds and West Yorkshire (most test patients and B86001 Park Lane Surgery)
  LS1: { lat: 53.7965, lon: -1.5478 },
  LS2: { lat: 53.8044, lon: -1.5509 },
  LS3: { lat: 53.8007, lon: -1.5667 },
  LS4: { lat: 53.8107, lon: -1.5818 },
  LS5: { lat: 53.8199, lon: -1.6028 },
  LS6: { lat: 53.8195, lon: -1.5731 },
  LS7: { lat: 53.8204, lon: -1.5318 },
  LS8: { lat: 53.8252, lon: -1.5101 },
  LS9: { lat: 53.799, lon: -1.5064 },
  LS11: { lat: 53.779, lon: -1.553 },
  LS17: { lat: 53.8632, lon: -1.5321 },
  LS28: { lat: 53.8, lon: -1.665 },
  BD9: { lat: 53.809, lon: -1.79 },
  BD20: { lat: 53.899, lon: -1.962 },
  WF1: { lat: 53.684, lon: -1.499 },
  WF13: { lat: 53.69, lon: -1.633 },
  HX3: { lat: 53.715, lon: -1.84 },
  HD3: { lat: 53.653, lon: -1.819 },
  // North and South Yorkshire, Humber
  HG2: { lat: 53.985, lon: -1.526 },
  YO31: { lat: 53.97, lon: -1.07 },
  HU3: { lat: 53.741, lon: -0.361 },
  S10: { lat: 53.38, lon: -1.51 },
  S5: { lat: 53.422, lon: -1.459 },
  DN2: { lat: 53.529, lon: -1.11 },
  // North East, North West, Midlands
  NE1: { lat: 54.973, lon: -1.613 },
  M13: { lat: 53.461, lon: -2.226 },
  L7: { lat: 53.409, lon: -2.961 },
  NG7: { lat: 52.944, lon: -1.186 },
  LE1: { lat: 52.633, lon: -1.133 },
  B15: { lat: 52.453, lon: -1.939 },
  // London and the South East (patient 9912003888 lives in Bromley)
  BR1: { lat: 51.406, lon: 0.015 },
  BR6: { lat: 51.371, lon: 0.1 },
  SE1: { lat: 51.498, lon: -0.09 },
  SE13: { lat: 51.461, lon: -0.01 },
  SW17: { lat: 51.427, lon: -0.168 },
  E1: { lat: 51.517, lon: -0.06 },
  N19: { lat: 51.565, lon: -0.138 },
  CR7: { lat: 51.396, lon: -0.101 },
  DA2: { lat: 51.439, lon: 0.227 },
  ME16: { lat: 51.272, lon: 0.497 },
  TN2: { lat: 51.145, lon: 0.293 },
  CT1: { lat: 51.279, lon: 1.087 },
  // Elsewhere
  BS2: { lat: 51.459, lon: -2.592 },
  OX3: { lat: 51.756, lon: -1.218 },
  CB2: { lat: 52.175, lon: 0.14 },
};

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
  return DISTRICTS[outward];
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
