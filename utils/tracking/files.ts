// A file read from e-RS (the A007 summary, an A042 attachment) crosses from the background to the
// panel as base64: runtime messages carry JSON only, and the token that read it stays in the background.

export interface FileAnswer {
  fileName: string;
  contentType: string;
  base64: string;
}

/** Bytes → base64, in chunks so a large file does not overflow the argument list. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
