// Check a file the user chose (or dropped, or pasted) against e-RS's attachment rules before it is
// stored with the draft, scaling a too-large image down to fit and saying so.
import { MAX_ATTACHMENT_BYTES } from 'ers-contract';
import { plainMessage } from '../ers/errors';
import { checkAsciiFileName, checkAttachment, contentTypeFor } from '../ers/rules';
import { scaleImageToFit } from './images';

export type PreparedFile = { ok: true; blob: Blob; name: string; contentType: string; note?: string } | { ok: false; name: string; message: string };

/** e-RS wants plain ASCII names; replace anything else so a pasted or foreign file still goes. */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/[\\/:*?"<>|]/g, '_')
    .trim();
  return cleaned || 'letter';
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function prepareFile(file: Blob, originalName: string, scale = scaleImageToFit): Promise<PreparedFile> {
  let name = safeFileName(originalName);
  // Trust the extension over the browser's guess (often empty for .rtf, .dcm); they must agree for e-RS.
  const contentType = contentTypeFor(name) ?? file.type;
  if (file.size === 0) return { ok: false, name, message: `${name} is empty.` };
  // Type and name first (size 1 stands in), so an oversized image can still be scaled down.
  const byType = checkAttachment({ fileName: name, contentType, size: 1 });
  if (byType.length) return { ok: false, name, message: `${name}: ${plainMessage({ kind: 'rule', code: byType[0].code, operation: 'A020' })}` };
  if (file.size > MAX_ATTACHMENT_BYTES) {
    if (!contentType.startsWith('image/')) return { ok: false, name, message: `${name} is ${mb(file.size)}; e-RS accepts files up to 5 MB.` };
    const scaled = await scale(file, name);
    if (!scaled) return { ok: false, name, message: `${name} is ${mb(file.size)} and could not be made smaller than 5 MB.` };
    const note = `${name} was ${mb(file.size)}, so it was scaled down to ${scaled.width}×${scaled.height} (${mb(scaled.blob.size)}) to fit e-RS's 5 MB limit.`;
    name = scaled.name;
    return { ok: true, blob: scaled.blob, name, contentType: 'image/jpeg', note };
  }
  const rules = [...checkAttachment({ fileName: name, contentType, size: file.size }), ...checkAsciiFileName(name)];
  if (rules.length) return { ok: false, name, message: `${name}: ${plainMessage({ kind: 'rule', code: rules[0].code, operation: 'A020' })}` };
  return { ok: true, blob: file, name, contentType };
}

/** Names must be unique on a referral (e-RS DUPLICATE_FILENAME): add " (2)" before the extension. */
export function uniqueName(name: string, taken: readonly string[]): string {
  if (!taken.includes(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 2; ; i++) if (!taken.includes(`${stem} (${i})${ext}`)) return `${stem} (${i})${ext}`;
}

/** Accept attribute for the file input. */
export const ACCEPT = '.txt,.pdf,.xml,.rtf,.rtx,.au,.mp3,.png,.gif,.jpg,.jpe,.jpeg,.tif,.tiff,.mpg,.mpeg,.mpe,.doc,.docx,.dcm';

/**
 * Check each picked file (prepareFile), give it a name unique among `taken` and the files added
 * before it, and keep its bytes with `keep`: the referral's and the A&G request's file pickers both.
 * Returns what `keep` made of each accepted file, and each refused file's problem in words.
 */
export async function acceptFiles<T extends { name: string }>(
  picked: readonly { blob: Blob; name: string }[],
  taken: readonly string[],
  keep: (file: { blob: Blob; name: string; contentType: string; note?: string }) => Promise<T>,
): Promise<{ added: T[]; problems: string[] }> {
  const problems: string[] = [];
  const added: T[] = [];
  for (const f of picked) {
    const prepared = await prepareFile(f.blob, f.name);
    if (!prepared.ok) {
      problems.push(prepared.message);
      continue;
    }
    const name = uniqueName(prepared.name, [...taken, ...added.map((x) => x.name)]);
    added.push(await keep({ blob: prepared.blob, name, contentType: prepared.contentType, note: prepared.note }));
  }
  return { added, problems };
}
