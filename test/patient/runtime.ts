// Starting the content script's runtime on a happy-dom page: the address and the page's HTML set,
// the runtime started with the page reader and the messages sent to `send`, and (on fake timers)
// time moved on until the first reading has settled and been published (utils/patient/watcher.ts).
import { vi } from 'vitest';
import { startContentRuntime, type ContentRuntime, type ContentRuntimeDeps } from '../../utils/patient/content-runtime';
import { parsePageRead } from '../../utils/patient/parse';
import { SETTLE_MS } from '../../utils/patient/watcher';

/** happy-dom's way to change the page address without a navigation. */
export const setUrl = (u: string) => (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(u);

export async function startOnPage(url: string, html: string, deps: Pick<ContentRuntimeDeps, 'send' | 'loadAdapters' | 'delayMs'>): Promise<ContentRuntime> {
  setUrl(url);
  document.body.innerHTML = html;
  const rt = await startContentRuntime({ win: window, parse: async (read) => parsePageRead(read), ...deps });
  if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(SETTLE_MS);
  return rt;
}
