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
