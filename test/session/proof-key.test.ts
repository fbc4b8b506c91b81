// The extension's proof-of-possession key: made once, kept in IndexedDB as a non-extractable
// CryptoKey (never a token), and its proofs pass the relay's own check.
import { deleteDB, openDB } from 'idb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createProof, proofKey, resetProofKeyCache } from '../../utils/session/proof-key';
import { verifyProof } from '../../packages/token-relay/src/proof';

const URL_REFRESH = 'https://relay.trust.example/oauth/refresh';

beforeEach(async () => {
  resetProofKeyCache();
  await deleteDB('relay-proof-key');
});

describe('proof-of-possession key', () => {
  it('is made once, non-extractable, and survives a restart of the background (IndexedDB)', async () => {
    const first = await proofKey();
    expect(first.privateKey.extractable).toBe(false);
    expect(first.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    await expect(crypto.subtle.exportKey('jwk', first.privateKey)).rejects.toThrow();
    resetProofKeyCache(); // as if the service worker had been stopped
    const again = await proofKey();
    expect(again.publicJwk).toEqual(first.publicJwk);

    const db = await openDB('relay-proof-key');
    const stored = await db.getAll('keys');
    db.close();
    expect(stored).toHaveLength(1);
    expect(Object.keys(stored[0]).sort()).toEqual(['privateKey', 'publicJwk']);
    expect(Object.keys(stored[0].publicJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });

  it('signs proofs the relay accepts, each with a new id, naming the URL without its query', async () => {
    const now = Date.now() / 1000;
    const check = (proof: string) => verifyProof(proof, { htm: 'POST', htuMatches: (htu) => htu === URL_REFRESH, now, windowSeconds: 60 });
    const a = check(await createProof('POST', `${URL_REFRESH}?x=1`));
    const b = check(await createProof('POST', URL_REFRESH));
    expect(a.thumbprint).toBe(b.thumbprint);
    expect(a.jti).not.toBe(b.jti);
    expect(() => check('a.b.c')).toThrow();
  });
});
