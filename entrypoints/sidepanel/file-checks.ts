// The file checks (utils/referral/letters.ts, with the e-RS error texts they use) load when a file is
// first added, not when the panel opens, which keeps its start-up scripts small. Shared by the
// referral's and the A&G request's file pickers.
import type { acceptFiles } from '../../utils/referral/letters';

type Accepted<T extends { name: string }> = Awaited<ReturnType<typeof acceptFiles<T>>>;

export async function acceptPickedFiles<T extends { name: string }>(...args: Parameters<typeof acceptFiles<T>>): Promise<Accepted<T> | { failed: string }> {
  let letters: typeof import('../../utils/referral/letters');
  try {
    letters = await import('../../utils/referral/letters');
  } catch (e) {
    return { failed: `The file could not be checked (${(e as Error).message}). Close the side panel and open it again; nothing was attached.` };
  }
  return letters.acceptFiles(...args);
}

/** Said when the panel moved to another draft or request while a picked file was being checked. */
export const MOVED_ON = 'The referral or request on screen changed while the file was being checked, so it was not added. Add it again.';

type Kept = Parameters<Parameters<typeof acceptFiles>[2]>[0];

/**
 * Check and keep the files picked for the draft or A&G request open now (`open()`), and answer
 * them only if it is still the one open afterwards: a file is stored under the item it was picked
 * for and never listed on another (docs/clinical-safety/hazard-log.md C1.5). Undefined when nothing
 * is open.
 */
export async function acceptFilesFor<I extends { id: string; files: readonly { name: string }[] }, T extends { name: string }>(
  open: () => I | undefined,
  picked: readonly { blob: Blob; name: string }[],
  keep: (item: I, file: Kept) => Promise<T>,
): Promise<{ item: I; added: T[]; problems: string[] } | { failed: string } | undefined> {
  const item = open();
  if (!item) return undefined;
  const accepted = await acceptPickedFiles(
    picked,
    item.files.map((f) => f.name),
    (f) => keep(item, f),
  );
  if ('failed' in accepted) return accepted;
  return open()?.id === item.id ? { item, ...accepted } : { failed: MOVED_ON };
}
