// Granting and revoking the per-origin host permission the patient-context script needs. Called
// from the popup and options page: `permissions.request` must run inside the user's click.
import { browser } from 'wxt/browser';

/** `https://gp.example.nhs.uk/path` → `https://gp.example.nhs.uk/*`; undefined for non-https pages. */
export function originPattern(url: string | undefined): string | undefined {
  try {
    const u = new URL(url ?? '');
    return u.protocol === 'https:' ? `${u.origin}/*` : undefined;
  } catch {
    return undefined;
  }
}

export async function listEnabledOrigins(): Promise<string[]> {
  const all = await browser.permissions.getAll();
  return (all.origins ?? []).filter((o) => o.startsWith('https://') && o !== 'https://*/*');
}

/** Origins the organisation suggests (managed storage `enabledOrigins`), as patterns. */
export async function listSuggestedOrigins(): Promise<string[]> {
  try {
    const m = await browser.storage.managed.get('enabledOrigins');
    return Array.isArray(m.enabledOrigins)
      ? m.enabledOrigins
          .map(String)
          .map(originPattern)
          .filter((o): o is string => !!o)
      : [];
  } catch {
    return [];
  }
}

/**
 * Ask for access to one origin (must be called from a click). When a tab is given, the script is
 * also injected there at once, so the page need not be reloaded.
 */
export async function enableOrigin(pattern: string, tabId?: number): Promise<boolean> {
  const granted = await browser.permissions.request({ origins: [pattern] });
  if (granted && tabId != null) {
    await browser.scripting.executeScript({ target: { tabId }, files: ['/patient-context.js'] }).catch(() => undefined);
  }
  return granted;
}

export function disableOrigin(pattern: string): Promise<boolean> {
  return browser.permissions.remove({ origins: [pattern] });
}
