import { defineConfig } from 'wxt';

// Chrome/Edge get a `side_panel`; Firefox gets a `sidebar_action` (WXT maps the sidepanel
// entrypoint). Host access is deliberately narrow: localhost for the demo and the simulator,
// everything else is an optional permission granted per clinical origin (issue 4).
export default defineConfig({
  manifest: ({ browser }) => ({
    name: 'e-RS Referral Assistant',
    description: 'Create NHS e-Referral Service referrals from the patient record you have open.',
    permissions:
      browser === 'firefox'
        ? ['storage', 'identity', 'contextMenus']
        : ['storage', 'identity', 'contextMenus', 'sidePanel'],
    host_permissions: ['http://localhost/*', 'http://127.0.0.1/*'],
    optional_host_permissions: ['https://*/*'],
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
