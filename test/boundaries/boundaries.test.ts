// The layout's boundaries (.dependency-cruiser.cjs) hold on the real tree, and each rule really
// fails: test/fixtures/boundaries/ is a tiny tree that breaks every rule once on purpose.
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const config = (await import(path.join(ROOT, '.dependency-cruiser.cjs'))).default as any;

async function violations(baseDir: string, paths: string[]): Promise<string[]> {
  const { output } = await cruise(paths, {
    ...config.options,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    baseDir,
    tsConfig: { fileName: path.join(baseDir, 'tsconfig.json') },
  });
  return (output as ICruiseResult).summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
}

describe('layout boundaries', () => {
  it('the product code keeps every boundary', async () => {
    expect(await violations(ROOT, ['utils', 'components', 'entrypoints'])).toEqual([]);
  }, 60_000);

  it('a deliberate violation of each rule is caught', async () => {
    const found = await violations(path.join(ROOT, 'test/fixtures/boundaries'), ['utils', 'entrypoints']);
    const rules = new Set(found.map((v) => v.split(':')[0]));
    expect([...rules].sort()).toEqual(['content-script-tiny', 'ers-client-no-extension-apis', 'pages-stay-small', 'product-not-tools']);
  }, 60_000);
});
