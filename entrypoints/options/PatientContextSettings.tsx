// Options-page section: enabled clinical sites (per-origin permissions) and administrator host
// adapters as JSON. Self-contained; mount it anywhere in the options page.
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { parseAdapterJson } from '../../utils/patient/adapter-schema';
import { BUILTIN_ADAPTERS } from '../../utils/patient/adapters/builtin';
import { CUSTOM_ADAPTERS_KEY } from '../../utils/patient/background';
import type { HostAdapter } from '../../utils/patient/types';
import { disableOrigin, enableOrigin, listEnabledOrigins, listSuggestedOrigins, originPattern } from '../../utils/patient/host-access';

export function PatientContextSettings() {
  const [origins, setOrigins] = useState<string[]>([]);
  const [suggested, setSuggested] = useState<string[]>([]);
  const [site, setSite] = useState('');
  const [json, setJson] = useState('');
  const [custom, setCustom] = useState<HostAdapter[]>([]);
  const [message, setMessage] = useState('');

  const refresh = async () => {
    setOrigins(await listEnabledOrigins());
    setSuggested(await listSuggestedOrigins());
    const stored = (await browser.storage.local.get(CUSTOM_ADAPTERS_KEY))[CUSTOM_ADAPTERS_KEY];
    setCustom(Array.isArray(stored) ? stored : []);
  };
  useEffect(() => void refresh(), []);

  const add = async (pattern: string | undefined) => {
    if (!pattern) return setMessage('Enter an https:// address, for example https://gp.example.nhs.uk');
    setMessage((await enableOrigin(pattern)) ? `Enabled ${pattern}` : 'Permission was not granted.');
    await refresh();
  };
  const save = async () => {
    const r = parseAdapterJson(json);
    if (!r.ok) return setMessage(`Adapter not saved: ${r.error}`);
    await browser.storage.local.set({ [CUSTOM_ADAPTERS_KEY]: r.adapters });
    setMessage(`Saved ${r.adapters.length} adapter(s).`);
    await refresh();
  };

  return (
    <section aria-labelledby="pc-title">
      <h2 id="pc-title">Clinical systems</h2>
      <p>The extension reads the patient only on sites you enable.</p>
      <ul>
        {origins.map((o) => (
          <li key={o}>
            {o} <button type="button" onClick={() => void disableOrigin(o).then(refresh)}>Remove</button>
          </li>
        ))}
        {suggested.filter((o) => !origins.includes(o)).map((o) => (
          <li key={o}>
            {o} (suggested by your organisation) <button type="button" onClick={() => void add(o)}>Enable</button>
          </li>
        ))}
      </ul>
      <label>
        Site address <input value={site} onInput={(e) => setSite(e.currentTarget.value)} placeholder="https://gp.example.nhs.uk" />
      </label>{' '}
      <button type="button" onClick={() => void add(originPattern(site))}>Enable site</button>

      <h3>Host adapters</h3>
      <p>
        Built in: {BUILTIN_ADAPTERS.map((a) => a.name).join(', ')}. Added here:{' '}
        {custom.length ? custom.map((a) => a.name).join(', ') : 'none'}.
      </p>
      <label>
        Adapter JSON (one adapter or an array)
        <textarea rows={12} cols={80} value={json} onInput={(e) => setJson(e.currentTarget.value)} spellcheck={false} />
      </label>
      <button type="button" onClick={() => void save()}>Validate and save</button>
      <p role="status">{message}</p>
    </section>
  );
}
