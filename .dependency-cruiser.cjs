// Boundaries of the layout (docs/architecture.md): checked by `npm run check:boundaries` in CI, and
// test/boundaries/boundaries.test.ts shows each rule failing on a deliberate violation.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'product-not-tools',
      comment: 'The extension never ships the simulator, the relay, tests, scripts or the CLI (test tokens, servers).',
      severity: 'error',
      from: { path: '^(utils|components|entrypoints)/' },
      to: { path: '^(packages/(ers-simulator|token-relay)|test|scripts|cli)/|node_modules/(ers-simulator|ers-token-relay)/' },
    },
    {
      name: 'pages-stay-small',
      comment: 'Pages and shared UI send messages through utils/messaging/client only: no zod, no router, no background modules.',
      severity: 'error',
      from: { path: '^(components/|entrypoints/(sidepanel|popup|options)/)' },
      to: { path: '(^|/)node_modules/zod/|^utils/messaging/router\\.ts$|^utils/messages\\.ts$|^utils/[^/]+/background\\.ts$', reachable: true },
    },
    {
      name: 'content-script-tiny',
      comment: 'The content script runs inside the clinical system: no zod, no preact, no background modules.',
      severity: 'error',
      from: { path: '^entrypoints/patient-context\\.ts$' },
      to: { path: '(^|/)node_modules/(zod|preact)/|^utils/[^/]+/background\\.ts$', reachable: true },
    },
    {
      name: 'ers-client-no-extension-apis',
      comment: 'The e-RS client runs in the worker, the CLI and tests: no extension APIs.',
      severity: 'error',
      from: { path: '^utils/ers/' },
      to: { path: '(^|/)node_modules/(wxt|@wxt-dev)/|^utils/(session|patient|referral|settings|messaging)/' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: false,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(\\.output|\\.wxt)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
