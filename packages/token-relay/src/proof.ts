// Proof of possession, after OAuth DPoP (RFC 9449): the extension holds a non-extractable ECDSA
// P-256 key and signs a short JWT for each call to the relay. The relay checks it here, with Node
// built-ins only, and binds refresh tokens to the key's RFC 7638 thumbprint (see wrap.ts).
//
//   header  { typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x, y } }
//   payload { htm: 'POST', htu: 'https://relay.example/oauth/refresh', iat: <seconds>, jti: <random> }
import { createHash, createPublicKey, verify } from 'node:crypto';

export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

export type ProofFailure =
  | 'proof_missing'
  | 'proof_malformed'
  | 'proof_signature'
  | 'proof_htm'
  | 'proof_htu'
  | 'proof_time'
  | 'proof_replayed'
  | 'proof_cache_full';

export class ProofError extends Error {
  constructor(
    readonly reason: ProofFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ProofError';
  }
}

export interface VerifiedProof {
  thumbprint: string;
  jti: string;
  iat: number;
}

export interface ProofExpectation {
  htm: string;
  /** Accepts the proof's htu (already stripped of query and fragment). */
  htuMatches: (htu: string) => boolean;
  /** Epoch seconds. */
  now: number;
  /** How far iat may be from now, either way (clock skew included). */
  windowSeconds: number;
}

const MAX_PROOF = 2048;
const B64URL = /^[A-Za-z0-9_-]+$/;
const COORD = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, base64url without padding
const JTI = /^[\x21-\x7e]{16,64}$/;

/** RFC 7638 thumbprint of a P-256 public key: SHA-256 of the required members in lexicographic order. */
export function jwkThumbprint(jwk: PublicJwk): string {
  return createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
}

function decodeJson(part: string): Record<string, unknown> {
  if (!B64URL.test(part)) throw new ProofError('proof_malformed', 'The proof is not a compact JWT.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new ProofError('proof_malformed', 'The proof is not a compact JWT.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ProofError('proof_malformed', 'The proof is not a compact JWT.');
  return parsed as Record<string, unknown>;
}

/** Strips the query and fragment, as RFC 9449 §4.3 compares htu. */
export function normaliseHtu(htu: string): string | undefined {
  try {
    const url = new URL(htu);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

/** Checks format, signature, method, URL and time of one proof. Stateless; replay is ReplayCache's job. */
export function verifyProof(proof: string | undefined, expect: ProofExpectation): VerifiedProof {
  if (!proof) throw new ProofError('proof_missing', 'The request carries no DPoP proof. Update the extension, then sign in again.');
  if (proof.length > MAX_PROOF) throw new ProofError('proof_malformed', 'The proof is too long.');
  const parts = proof.split('.');
  if (parts.length !== 3) throw new ProofError('proof_malformed', 'The proof is not a compact JWT.');
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h);
  const payload = decodeJson(p);
  if (header.typ !== 'dpop+jwt' || header.alg !== 'ES256') throw new ProofError('proof_malformed', 'The proof must be a dpop+jwt signed with ES256.');
  const jwk = header.jwk as Record<string, unknown> | undefined;
  if (
    typeof jwk !== 'object' ||
    jwk === null ||
    jwk.kty !== 'EC' ||
    jwk.crv !== 'P-256' ||
    typeof jwk.x !== 'string' ||
    typeof jwk.y !== 'string' ||
    !COORD.test(jwk.x) ||
    !COORD.test(jwk.y) ||
    'd' in jwk
  ) {
    throw new ProofError('proof_malformed', 'The proof must carry the public P-256 key (and never a private one).');
  }
  const publicJwk: PublicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  if (!B64URL.test(s)) throw new ProofError('proof_malformed', 'The proof is not a compact JWT.');
  const signature = Buffer.from(s, 'base64url');
  if (signature.length !== 64) throw new ProofError('proof_signature', 'The proof signature is not valid.');
  let valid = false;
  try {
    const key = createPublicKey({ key: { ...publicJwk }, format: 'jwk' });
    valid = verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    valid = false; // a point not on the curve, for example
  }
  if (!valid) throw new ProofError('proof_signature', 'The proof signature is not valid.');

  if (payload.htm !== expect.htm) throw new ProofError('proof_htm', 'The proof was made for another request method.');
  const htu = typeof payload.htu === 'string' ? normaliseHtu(payload.htu) : undefined;
  if (!htu || !expect.htuMatches(htu)) throw new ProofError('proof_htu', 'The proof was made for another address.');
  const iat = payload.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new ProofError('proof_malformed', 'The proof has no issue time.');
  if (Math.abs(expect.now - iat) > expect.windowSeconds) {
    throw new ProofError('proof_time', "The proof is too old or dated in the future. Check that this computer's clock is right, then try again.");
  }
  if (typeof payload.jti !== 'string' || !JTI.test(payload.jti)) throw new ProofError('proof_malformed', 'The proof has no usable unique id (jti).');
  return { thumbprint: jwkThumbprint(publicJwk), jti: payload.jti, iat };
}

/**
 * Remembers proofs already used, so each works once. Entries live as long as a proof can pass the
 * time check, and memory is bounded: when full of live entries, new proofs are refused (fail closed)
 * rather than old ones forgotten early.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the proof; throws when it was used before or the cache is full. */
  use(proof: VerifiedProof): void {
    const now = this.now();
    // Every entry has the same lifetime, so insertion order is expiry order.
    for (const [key, expires] of this.seen) {
      if (expires > now) break;
      this.seen.delete(key);
    }
    const key = `${proof.thumbprint}:${proof.jti}`;
    if (this.seen.has(key)) throw new ProofError('proof_replayed', 'This proof was already used. Each request needs a fresh proof.');
    if (this.seen.size >= this.maxEntries) throw new ProofError('proof_cache_full', 'The sign-in relay is busy. Please try again in a minute.');
    this.seen.set(key, now + this.ttlMs);
  }

  get size(): number {
    return this.seen.size;
  }
}
