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
  LS1: { lat: 53.7965, lon: -1.5478 }, LS2: { lat: 53.8044, lon: -1.5509 }, LS3: { lat: 53.8007, lon: -1.5667 },
  LS4: { lat: 53.8107, lon: -1.5818 }, LS5: { lat: 53.8199, lon: -1.6028 }, LS6: { lat: 53.8195, lon: -1.5731 },
  LS7: { lat: 53.8204, lon: -1.5318 }, LS8: { lat: 53.8252, lon: -1.5101 }, LS9: { lat: 53.7990, lon: -1.5064 },
  LS11: { lat: 53.7790, lon: -1.5530 }, LS17: { lat: 53.8632, lon: -1.5321 }, LS28: { lat: 53.8000, lon: -1.6650 },
  BD9: { lat: 53.8090, lon: -1.7900 }, BD20: { lat: 53.8990, lon: -1.9620 }, WF1: { lat: 53.6840, lon: -1.4990 },
  WF13: { lat: 53.6900, lon: -1.6330 }, HX3: { lat: 53.7150, lon: -1.8400 }, HD3: { lat: 53.6530, lon: -1.8190 },
  // North and South Yorkshire, Humber
  HG2: { lat: 53.9850, lon: -1.5260 }, YO31: { lat: 53.9700, lon: -1.0700 }, HU3: { lat: 53.7410, lon: -0.3610 },
  S10: { lat: 53.3800, lon: -1.5100 }, S5: { lat: 53.4220, lon: -1.4590 }, DN2: { lat: 53.5290, lon: -1.1100 },
  // North East, North West, Midlands
  NE1: { lat: 54.9730, lon: -1.6130 }, M13: { lat: 53.4610, lon: -2.2260 }, L7: { lat: 53.4090, lon: -2.9610 },
  NG7: { lat: 52.9440, lon: -1.1860 }, LE1: { lat: 52.6330, lon: -1.1330 }, B15: { lat: 52.4530, lon: -1.9390 },
  // London and the South East (patient 9912003888 lives in Bromley)
  BR1: { lat: 51.4060, lon: 0.0150 }, BR6: { lat: 51.3710, lon: 0.1000 }, SE1: { lat: 51.4980, lon: -0.0900 },
  SE13: { lat: 51.4610, lon: -0.0100 }, SW17: { lat: 51.4270, lon: -0.1680 }, E1: { lat: 51.5170, lon: -0.0600 },
  N19: { lat: 51.5650, lon: -0.1380 }, CR7: { lat: 51.3960, lon: -0.1010 }, DA2: { lat: 51.4390, lon: 0.2270 },
  ME16: { lat: 51.2720, lon: 0.4970 }, TN2: { lat: 51.1450, lon: 0.2930 }, CT1: { lat: 51.2790, lon: 1.0870 },
  // Elsewhere
  BS2: { lat: 51.4590, lon: -2.5920 }, OX3: { lat: 51.7560, lon: -1.2180 }, CB2: { lat: 52.1750, lon: 0.1400 },
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

export function knownDistricts(): string[] {
  return Object.keys(DISTRICTS);
}
