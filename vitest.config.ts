import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Two projects: fast unit/component/integration tests (real HTTP on loopback, fake browser APIs),
// and end-to-end tests that drive the built extension in real Chromium one file at a time.
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.{ts,tsx}', 'packages/*/test/**/*.test.ts'],
          exclude: ['test/e2e/**', '**/node_modules/**'],
          environment: 'node',
          setupFiles: ['fake-indexeddb/auto'],
          restoreMocks: true,
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
