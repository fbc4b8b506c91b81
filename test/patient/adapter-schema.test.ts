import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_ADAPTERS } from '../../utils/patient/adapters/builtin';
import { HostAdapterSchema, parseAdapterJson } from '../../utils/patient/adapter-schema';
import { ROOT } from './helpers';

/** An administrator's adapter as JSON: a valid one for x.example with `change` over it. */
function adapterJson(change: Record<string, unknown>): string {
  return JSON.stringify({
    id: 'x1',
    name: 'X',
    matches: ['https://x.example/*'],
    recordOpen: { selector: '#p' },
    fields: { nhsNumber: { selector: '#n' }, name: { label: 'Name' } },
    ...change,
  });
}

describe('host adapter schema', () => {
  it.each(BUILTIN_ADAPTERS.map((a) => [a.id, a]))('built-in adapter %s passes the administrator schema', (_, a) => {
    expect(HostAdapterSchema.safeParse(a).success).toBe(true);
  });

  it('the example adapter in docs/nhs-it.md is valid', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'nhs-it.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Host adapters'));
    const json = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    expect(parseAdapterJson(json)).toMatchObject({ ok: true, adapters: [{ id: 'acme-gp' }] });
  });

  it.each([
    ['not JSON', '{', /Not valid JSON/],
    ['no NHS number field', adapterJson({ fields: { name: { selector: '#n' } } }), /fields\.nhsNumber/],
    ['no name field', adapterJson({ fields: { nhsNumber: { selector: '#n' } } }), /name/],
    ['a bad regular expression', adapterJson({ fields: { nhsNumber: { selector: '#n', pattern: '(' }, name: { label: 'Name' } } }), /regular expression/],
    ['a bad match pattern', adapterJson({ matches: ['x.example'] }), /match pattern/],
    ['an unknown key', adapterJson({ script: 'alert(1)' }), /script|Unrecognized/i],
    ['a locator with neither selector nor label', adapterJson({ fields: { nhsNumber: { pattern: '\\d+' }, name: { label: 'Name' } } }), /selector or a label/],
    ['duplicate ids', JSON.stringify([BUILTIN_ADAPTERS[0], BUILTIN_ADAPTERS[0]]), /Duplicate adapter id/],
  ])('refuses %s with a readable error', (_, text, error) => {
    const r = parseAdapterJson(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(error);
  });
});
