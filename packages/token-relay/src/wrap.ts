// Stateless binding of a refresh token to the extension's key: the relay hands the extension not the
// platform's refresh token but an AES-256-GCM envelope, sealed with the relay's own key, holding that
// token, the key's thumbprint and an expiry. Only a relay with the wrapping key can open it, and it
// opens it only for a proof signed by the same key (server.ts). Nothing is stored, so any replica
// with the same wrapping key can serve any extension.
//
//   rt1.<key id>.<iv>.<ciphertext+tag>   (base64url parts)
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface BoundRefresh {
  /** The platform's refresh token. */
  refreshToken: string;
  /** RFC 7638 thumbprint of the extension's public key. */
  thumbprint: string;
  /** Epoch ms after which the relay refuses the envelope. */
  expiresAt: number;
}

export type UnwrapFailure = 'token_malformed' | 'token_unknown_key' | 'token_tampered' | 'token_expired';

export class UnwrapError extends Error {
  constructor(readonly reason: UnwrapFailure) {
    super(reason);
    this.name = 'UnwrapError';
  }
}

const PREFIX = 'rt1';
// Binds the ciphertext to its purpose, so an envelope from another use of the same key cannot pass.
const AAD = Buffer.from('ers-token-relay refresh-token v1');

/** Short public id of a wrapping key, so rotation finds the right key without trying each. */
export function wrapKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

/** Seals with the first (current) key. */
export function wrapRefreshToken(keys: readonly Buffer[], bound: BoundRefresh): string {
  const key = keys[0];
  if (key?.length !== 32) throw new Error('the wrapping key must be 32 bytes');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const plain = Buffer.from(JSON.stringify({ rt: bound.refreshToken, jkt: bound.thumbprint, exp: bound.expiresAt }));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}.${wrapKeyId(key)}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
}

/** Opens with whichever configured key (current or previous) sealed it; checks integrity and expiry. */
export function unwrapRefreshToken(keys: readonly Buffer[], token: string, now: number): BoundRefresh {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== PREFIX) throw new UnwrapError('token_malformed');
  const [, kid, ivPart, sealedPart] = parts as [string, string, string, string];
  const key = keys.find((k) => wrapKeyId(k) === kid);
  if (!key) throw new UnwrapError('token_unknown_key');
  const iv = Buffer.from(ivPart, 'base64url');
  const sealed = Buffer.from(sealedPart, 'base64url');
  if (iv.length !== 12 || sealed.length < 17) throw new UnwrapError('token_malformed');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(AAD);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } catch {
    throw new UnwrapError('token_tampered');
  }
  const data = JSON.parse(plain.toString('utf8')) as { rt: string; jkt: string; exp: number };
  if (!(data.exp > now)) throw new UnwrapError('token_expired');
  return { refreshToken: data.rt, thumbprint: data.jkt, expiresAt: data.exp };
}
