// The extension's proof-of-possession key for the token relay (the ideas of OAuth DPoP, RFC 9449).
// An ECDSA P-256 key pair made once per installation with WebCrypto; the private half is
// non-extractable, so no script (ours included) can read it, only ask the browser to sign with it.
// IndexedDB can hold such a CryptoKey as an opaque handle; no token is ever stored here. The relay
// binds the refresh token to this key, so a copied refresh token is useless without it.
import { openDB, type DBSchema } from 'idb';
import { DATABASES } from '../storage';

interface ProofKeyDb extends DBSchema {
  keys: { key: string; value: { privateKey: CryptoKey; publicJwk: PublicJwk } };
}

interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
}

const DB_NAME = DATABASES.relayProofKey.name;
const SLOT = 'current';

let pending: Promise<{ privateKey: CryptoKey; publicJwk: PublicJwk }> | undefined;

async function loadOrCreate(): Promise<{ privateKey: CryptoKey; publicJwk: PublicJwk }> {
  const db = await openDB<ProofKeyDb>(DB_NAME, DATABASES.relayProofKey.version, {
    upgrade: (d) => {
      d.createObjectStore('keys');
    },
  });
  try {
    const stored = await db.get('keys', SLOT);
    if (stored) return stored;
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const record = { privateKey: pair.privateKey, publicJwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! } };
    // add(), not put(): if another context created the key meanwhile, keep theirs.
    try {
      await db.add('keys', record, SLOT);
      return record;
    } catch {
      return (await db.get('keys', SLOT))!;
    }
  } finally {
    db.close();
  }
}

/** The installation's key, created on first use (and at install, from the background). */
export function proofKey(): Promise<{ privateKey: CryptoKey; publicJwk: PublicJwk }> {
  pending ??= loadOrCreate().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const utf8 = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));

/** A single-use proof for one request: signed JWT naming the method and URL, with a fresh id and time. */
export async function createProof(htm: string, htu: string, now: () => number = Date.now): Promise<string> {
  const { privateKey, publicJwk } = await proofKey();
  const url = new URL(htu);
  const header = utf8({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk });
  const payload = utf8({ htm, htu: `${url.origin}${url.pathname}`, iat: Math.floor(now() / 1000), jti: crypto.randomUUID() });
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new TextEncoder().encode(`${header}.${payload}`));
  return `${header}.${payload}.${base64url(new Uint8Array(signature))}`;
}

/** Forget the cached handle (tests that reset IndexedDB). */
export function resetProofKeyCache(): void {
  pending = undefined;
}
