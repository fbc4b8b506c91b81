// PKCE (RFC 7636, S256) for the CIS2 authorisation-code flow. Web Crypto only, so the same code runs
// in the service worker and in Node.

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A fresh high-entropy verifier (43 characters from 32 random bytes). */
export function createCodeVerifier(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export function randomState(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(16)));
}
