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

/**
 * Check and keep picked files for the draft or A&G request `forId`, and answer them only if it is
 * still the one open (`openId`): a file is stored under the item it was picked for and never listed
 * on another (docs/clinical-safety/hazard-log.md C1.5).
 */
export async function acceptFilesFor<T extends { name: string }>(
  forId: string,
  openId: () => string | undefined,
  ...args: Parameters<typeof acceptFiles<T>>
): Promise<Accepted<T> | { failed: string }> {
  const accepted = await acceptPickedFiles(...args);
  return 'failed' in accepted || openId() === forId ? accepted : { failed: MOVED_ON };
}
