// Options-page section: enabled clinical sites (per-origin permissions) and administrator host
// adapters as JSON. Self-contained; mount it anywhere in the options page.
import { useEffect, useState } from 'preact/hooks';
import { request } from '../../utils/messaging/client';
import type { Reply } from '../../utils/messaging/errors';
import type { AdaptersView } from '../../utils/patient/messages';
import { disableOrigin, enableOrigin, listEnabledOrigins, listSuggestedOrigins, originPattern } from '../../utils/patient/host-access';

/** The background validates and stores host adapters (no zod or background code in this page). */
export interface AdaptersApi {
  load(): Promise<Reply<AdaptersView>>;
  save(json: string): Promise<Reply<AdaptersView>>;
}

export const browserAdaptersApi: AdaptersApi = {
  load: () => request('patient/adapters'),
  save: (json) => request('patient/save-adapters', { json }),
};

export function PatientContextSettings({ api = browserAdaptersApi }: { api?: AdaptersApi }) {
  const [origins, setOrigins] = useState<string[]>([]);
  const [suggested, setSuggested] = useState<string[]>([]);
  const [site, setSite] = useState('');
  const [json, setJson] = useState('');
  const [adapters, setAdapters] = useState<AdaptersView>({ builtIn: [], custom: [] });
  const [message, setMessage] = useState('');

  const refresh = async () => {
    setOrigins(await listEnabledOrigins());
    setSuggested(await listSuggestedOrigins());
    const r = await api.load();
    if (r.ok) setAdapters(r.data);
    else setMessage(`Could not read the host adapters: ${r.error.message}`);
  };
  useEffect(() => void refresh(), []);

  const add = async (pattern: string | undefined) => {
    if (!pattern) return setMessage('Enter an https:// address, for example https://gp.example.nhs.uk');
    setMessage((await enableOrigin(pattern)) ? `Enabled ${pattern}` : 'Permission was not granted.');
    await refresh();
  };
  const save = async () => {
    const r = await api.save(json);
    if (!r.ok) return setMessage(r.error.message);
    setMessage(`Saved ${r.data.custom.length} adapter(s).`);
    await refresh();
  };

  return (
    <section aria-labelledby="pc-title">
      <h2 id="pc-title">Clinical systems</h2>
      <p>The extension reads the patient only on sites you enable.</p>
      <ul>
        {origins.map((o) => (
          <li key={o}>
            {o}{' '}
            <button type="button" onClick={() => void disableOrigin(o).then(refresh)}>
              Remove
            </button>
          </li>
        ))}
        {suggested
          .filter((o) => !origins.includes(o))
          .map((o) => (
            <li key={o}>
              {o} (suggested by your organisation){' '}
              <button type="button" onClick={() => void add(o)}>
                Enable
              </button>
            </li>
          ))}
      </ul>
      <label>
        Site address <input value={site} onInput={(e) => setSite(e.currentTarget.value)} placeholder="https://gp.example.nhs.uk" />
      </label>{' '}
      <button type="button" onClick={() => void add(originPattern(site))}>
        Enable site
      </button>
      <h3>Host adapters</h3>
      <p>
        Built in: {adapters.builtIn.join(', ')}. Added here: {adapters.custom.length ? adapters.custom.join(', ') : 'none'}.
      </p>
      <label>
        Adapter JSON (one adapter or an array)
        <textarea rows={12} cols={80} value={json} onInput={(e) => setJson(e.currentTarget.value)} spellcheck={false} />
      </label>
      <button type="button" onClick={() => void save()}>
        Validate and save
      </button>
      <p role="status">{message}</p>
    </section>
  );
}
