// The options page: every setting, settings set by NHS IT policy shown as locked (read-only), saved
// through `settings/save`; the background validates and says what is wrong with each field. No zod
// here (the page stays small).
import { type Choice, Choices, Select } from '../../components/Select';
import { useEffect, useState } from 'preact/hooks';
import { request } from '../../utils/messaging/client';
import type { SettingsSnapshot } from '../../utils/settings/messages';
import { ENVIRONMENT_KEYS, ENVIRONMENT_LABELS, ENVIRONMENTS, environmentDefault, type Environment } from '../../utils/settings/environments';
import type { Settings, SettingKey } from '../../utils/settings/schema';
import { EnvironmentBanner } from '../../components/EnvironmentBanner';

export interface OptionsApi {
  load(): Promise<SettingsSnapshot>;
  save(
    patch: Partial<Settings> | 'reset',
  ): Promise<{ ok: true; data: SettingsSnapshot } | { ok: false; error: { message: string; fields?: Record<string, string> } }>;
}

export const browserOptionsApi: OptionsApi = {
  load: async () => {
    const reply = await request('settings/get');
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.data;
  },
  save: (patch) => request('settings/save', { patch: patch as never }),
};

type Field = {
  key: SettingKey;
  label: string;
  hint?: string;
  kind: 'text' | 'url' | 'number' | 'select';
  options?: readonly Choice[];
};

const FIELDS: { legend: string; fields: Field[] }[] = [
  {
    legend: 'Where e-RS is',
    fields: [
      { key: 'environment', label: 'Environment', kind: 'select', options: ENVIRONMENTS.map((e): Choice => [e, ENVIRONMENT_LABELS[e].label]) },
      {
        key: 'flavour',
        label: 'API flavour',
        kind: 'select',
        options: [
          ['platform', 'NHS API Platform (NHS CIS2 sign-in)'],
          ['legacy', 'Legacy HSCN session API (smartcard)'],
        ],
      },
      { key: 'platformBaseUrl', label: 'Platform API base URL', hint: '…/referrals/FHIR', kind: 'url' },
      { key: 'legacyBaseUrl', label: 'Legacy API base URL', hint: '…/ers-api', kind: 'url' },
    ],
  },
  {
    legend: 'Sign-in (platform)',
    fields: [
      { key: 'cis2AuthorizeUrl', label: 'NHS CIS2 authorisation URL', kind: 'url' },
      { key: 'relayUrl', label: 'Token relay URL', hint: "Your organisation's token relay. It holds the client secret; this browser never does.", kind: 'url' },
      { key: 'oauthClientId', label: 'OAuth client id', kind: 'text' },
      { key: 'oauthRedirectUrl', label: 'OAuth redirect URL', hint: "Leave empty to use this browser's own (shown below).", kind: 'url' },
    ],
  },
  {
    legend: 'Sign-in (legacy)',
    fields: [
      { key: 'asid', label: 'ASID', hint: 'Accredited System ID, 12 digits.', kind: 'text' },
      {
        key: 'smartcardSource',
        label: 'Smartcard token source',
        kind: 'select',
        options: [
          ['test-card', 'Simulator test smartcards'],
          ['paste', 'Paste the SSO token from the Identity Agent'],
        ],
      },
    ],
  },
  {
    legend: 'Session and drafts',
    fields: [
      { key: 'idleTimeoutMinutes', label: 'Sign out after this many minutes without using the computer', kind: 'number' },
      { key: 'draftTtlHours', label: 'Delete unsent drafts after this many hours', kind: 'number' },
    ],
  },
];

const SEARCH_FIELDS = [
  {
    key: 'sortBy',
    label: 'Sort results by',
    options: [
      ['DISTANCE', 'Distance'],
      ['IWT', 'Indicative wait time'],
    ],
  },
  {
    key: 'priority',
    label: 'Default priority',
    options: [
      ['ROUTINE', 'Routine'],
      ['URGENT', 'Urgent'],
      ['TWO_WEEK_WAIT', 'Two week wait'],
    ],
  },
  {
    key: 'requestType',
    label: 'Default request type',
    options: [
      ['APPOINTMENT_REQUEST', 'Appointment'],
      ['ADVICE_AND_GUIDANCE_REQUEST', 'Advice and guidance'],
    ],
  },
] as const satisfies readonly { key: string; label: string; options: readonly Choice[] }[];

function LockedTag() {
  return (
    <span class="nhs-tag nhs-tag--locked" title="Set by your organisation's IT policy">
      Locked by your organisation
    </span>
  );
}

export function OptionsForm({ api = browserOptionsApi }: { api?: OptionsApi }) {
  const [snapshot, setSnapshot] = useState<SettingsSnapshot>();
  const [draft, setDraft] = useState<Settings>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string>();
  const [loadError, setLoadError] = useState<string>();

  const adopt = (s: SettingsSnapshot) => {
    setSnapshot(s);
    setDraft(structuredClone(s.settings));
  };
  useEffect(() => {
    api
      .load()
      .then(adopt)
      .catch((e: Error) => setLoadError(e.message));
  }, [api]);

  if (loadError)
    return (
      <div class="nhs-error-summary" role="alert">
        <p>{loadError}</p>
      </div>
    );
  if (!snapshot || !draft) return <p>Loading…</p>;
  const locked = new Set(snapshot.locked);

  const set = (key: SettingKey, value: unknown) => {
    const next = { ...draft, [key]: value } as Settings;
    if (key === 'environment' && value !== draft.environment) {
      // Addresses follow the environment unless NHS IT locked them.
      for (const k of ENVIRONMENT_KEYS) if (!locked.has(k)) (next as Record<string, unknown>)[k] = environmentDefault(value as Environment, k);
    }
    setDraft(next);
    setStatus(undefined);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const patch: Record<string, unknown> = {};
    // Host adapters and letter templates are edited in their own sections (their own checks); this
    // form's copy of them may be older, so it never sends them.
    for (const [k, v] of Object.entries(draft))
      if (k !== 'version' && k !== 'hostAdapters' && k !== 'letterTemplates' && !locked.has(k as SettingKey)) patch[k] = v;
    // The background validates (the same schema it stores with) and answers each field's problem.
    const reply = await api.save(patch as Partial<Settings>);
    if (reply.ok) {
      setErrors({});
      adopt(reply.data);
      setStatus('Settings saved.');
    } else {
      const fields = reply.error.fields ?? {};
      setErrors(fields);
      setStatus(Object.keys(fields).length ? `There is a problem: check the fields marked in red. ${reply.error.message}` : reply.error.message);
    }
  };

  const reset = async () => {
    const reply = await api.save('reset');
    if (reply.ok) {
      adopt(reply.data);
      setErrors({});
      setStatus('Settings reset to the defaults for this environment.');
    }
  };

  const renderField = (f: Field) => {
    const id = `setting-${f.key}`;
    const isLocked = locked.has(f.key);
    const error = errors[f.key];
    const value = draft[f.key] as string | number;
    const describedBy = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
    const common = { id, name: f.key, disabled: isLocked, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined };
    return (
      <div key={f.key} class={`nhs-form-group${error ? ' nhs-form-group--error' : ''}`} data-setting={f.key} data-locked={isLocked ? 'true' : undefined}>
        <label class="nhs-label" for={id}>
          {f.label} {isLocked && <LockedTag />}
        </label>
        {f.hint && (
          <span class="nhs-hint" id={`${id}-hint`}>
            {f.hint}
          </span>
        )}
        {error && (
          <span class="nhs-error-message" id={`${id}-error`}>
            Error: {error}
          </span>
        )}
        {f.kind === 'select' ? (
          <select {...common} class="nhs-select" value={String(value)} onChange={(e) => set(f.key, (e.target as HTMLSelectElement).value)}>
            <Choices choices={f.options!} />
          </select>
        ) : f.kind === 'number' ? (
          <input
            {...common}
            class="nhs-input"
            type="number"
            inputMode="numeric"
            value={String(value)}
            onInput={(e) => {
              const raw = (e.target as HTMLInputElement).value;
              set(f.key, raw === '' ? Number.NaN : Number(raw));
            }}
          />
        ) : (
          <input
            {...common}
            class="nhs-input"
            type="text"
            spellcheck={false}
            value={String(value)}
            onInput={(e) => set(f.key, (e.target as HTMLInputElement).value)}
          />
        )}
      </div>
    );
  };

  const searchLocked = locked.has('search');
  return (
    <form onSubmit={save} noValidate>
      <EnvironmentBanner environment={draft.environment} />
      {status && (
        <div class={Object.keys(errors).length ? 'nhs-error-summary' : 'nhs-inset'} role="status" tabIndex={-1} data-testid="options-status">
          <p>{status}</p>
        </div>
      )}
      {snapshot.policyProblems.length > 0 && (
        <div class="nhs-warning">
          <p>
            <strong>Some of your organisation's policy values were ignored:</strong>
          </p>
          <ul>
            {snapshot.policyProblems.map((p) => (
              <li key={p.key}>
                {p.key}: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {FIELDS.map((group) => (
        <fieldset class="nhs-fieldset" key={group.legend}>
          <legend>{group.legend}</legend>
          {group.fields.map(renderField)}
        </fieldset>
      ))}
      <p class="nhs-muted">
        This browser's OAuth redirect URL: <code data-testid="redirect-url">{snapshot.redirectUrl || '(not available)'}</code>
      </p>

      <fieldset class="nhs-fieldset" data-setting="search" data-locked={searchLocked ? 'true' : undefined}>
        <legend>Default search preferences {searchLocked && <LockedTag />}</legend>
        {SEARCH_FIELDS.map((f) => (
          <div class="nhs-form-group" key={f.key}>
            <Select
              id={`search-${f.key}`}
              label={f.label}
              disabled={searchLocked}
              value={draft.search[f.key]}
              choices={f.options}
              onChange={(v) => set('search', { ...draft.search, [f.key]: v })}
            />
          </div>
        ))}
        <div class="nhs-form-group">
          <label class="nhs-label" for="search-distanceMiles">
            Search radius in miles (0 = no limit)
          </label>
          <input
            id="search-distanceMiles"
            class="nhs-input"
            type="number"
            disabled={searchLocked}
            value={draft.search.distanceMiles}
            onInput={(e) => set('search', { ...draft.search, distanceMiles: Number((e.target as HTMLInputElement).value) })}
          />
        </div>
      </fieldset>

      {locked.has('hostAdapters') && (
        <p class="nhs-muted" data-setting="hostAdapters" data-locked="true">
          Host adapters: set by your organisation <LockedTag /> (see "Patient context" below).
        </p>
      )}

      <button type="submit" class="nhs-button" id="save-settings">
        Save settings
      </button>
      <button type="button" class="nhs-button nhs-button--secondary" onClick={() => void reset()}>
        Reset to defaults
      </button>
    </form>
  );
}
