// Fit a too-large image under e-RS's 5 MB limit by scaling it down and re-encoding as JPEG, in the
// panel (OffscreenCanvas). Returns undefined when it cannot be made to fit.
import { MAX_ATTACHMENT_BYTES } from 'ers-contract';

export interface ScaledImage {
  blob: Blob;
  name: string;
  width: number;
  height: number;
}

export function jpegName(name: string): string {
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}.jpg`;
}

export async function scaleImageToFit(file: Blob, name: string, limit = MAX_ATTACHMENT_BYTES): Promise<ScaledImage | undefined> {
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') return undefined;
  const bitmap = await createImageBitmap(file);
  let scale = Math.min(1, Math.sqrt(limit / file.size));
  for (let attempt = 0; attempt < 6; attempt++) {
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, width, height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
    if (blob.size <= limit) return { blob, name: jpegName(name), width, height };
    scale *= 0.75;
  }
  return undefined;
}
