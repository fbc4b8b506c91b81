import { defineConfig } from 'wxt';

// Chrome/Edge get a `side_panel`; Firefox gets a `sidebar_action` (WXT maps the sidepanel
// entrypoint). Host access is deliberately narrow: localhost for the demo and the simulator,
// everything else is an optional permission granted per clinical origin.
export default defineConfig({
  // Extension pages load their chunks from the installed package, where preloading gains nothing:
  // no modulepreload polyfill or preload helper in every page's scripts (side panel budget).
  vite: () => ({ build: { modulePreload: false } }),
  // Every module imports what it uses (no generated globals): the build stays warning-free and a
  // reader sees where each name comes from.
  imports: false,
  manifest: ({ browser }) => ({
    name: 'e-RS Referral Assistant',
    description: 'Create NHS e-Referral Service referrals from the patient record you have open.',
    permissions:
      browser === 'firefox'
        ? ['storage', 'identity', 'contextMenus', 'scripting', 'activeTab', 'alarms', 'idle']
        : ['storage', 'identity', 'contextMenus', 'sidePanel', 'scripting', 'activeTab', 'alarms', 'idle'],
    host_permissions: ['http://localhost/*', 'http://127.0.0.1/*'],
    optional_host_permissions: ['https://*/*'],
    // Issue 4: the patient-context script (an unlisted script, see entrypoints/patient-context.ts) runs
    // statically on the local demo; other origins are registered at runtime once enabled.
    content_scripts: [{ matches: ['http://localhost/*', 'http://127.0.0.1/*'], js: ['patient-context.js'], run_at: 'document_idle' }],
    commands: {
      'refer-patient': { suggested_key: { default: 'Alt+Shift+R' }, description: 'Refer the patient on this page (open the referral panel)' },
    },
    ...(browser !== 'firefox' && { storage: { managed_schema: 'managed_schema.json' } }),
    // A fixed public key gives the unpacked extension a stable id (dokchjedcnlehjbbiccobocannakkama),
    // so the token relay's origin allow-list and the CIS2 redirect URL stay the same on every machine.
    // Only the public half is here; store builds are signed by the store and ignore it.
    ...(browser !== 'firefox' && {
      key: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAo8KSyFIqsFC1emfbmIW+V9Ks+KTwhjAO/L8VMmKerMY0KtRFk7JB0BA8poGOdlAp0naLaj7rR5+Se3wZ+Ubla10JhcI0Y0xoI71WXPmETfVXdQR/Jg564TKv+qVe1R1ORXzgVIA9gzu0ggpGD7PJIh4VHKMKKx/Ya6HgM8cvblFCd7jBj9KXkxeetOrlkWOtlTLxryLrPAlhsTXpfQRY+eSH3v0/QqE8mbs1aBvuCc1MHPKG2RpmVRo+t3CeX1luxx6tPNYzhvxL9i3tYfTQJciNHkL0z28SW94jM25E0irAxkYbX8Qww7hhnjnlF36EKc033Oj0xx0Q/ON5SgJLBwIDAQAB',
    }),
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        gecko: {
          id: 'ers-referral@nhs-extension.example',
          data_collection_permissions: { required: ['none'] },
        },
      },
    }),
  }),
});
