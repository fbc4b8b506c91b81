// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { BUILTIN_ACTIVE_ADAPTERS } from '../../utils/patient/adapters/builtin';
import { readPatientContext } from '../../utils/patient/parse';
import { collectLines, collectPageText, GENERIC_MAX_TEXT_NODES } from '../../utils/patient/generic-page';
import { FIXTURES, demoPage, demoUrl, loadDemoPage, loadPage, parseHtml } from './helpers';

const fixture = (name: string) => readPatientContext(loadPage(join(FIXTURES, name)), `https://unknown.example/${name}`, BUILTIN_ACTIVE_ADAPTERS, 1);

describe('the generic reader never guesses on hostile fixtures', () => {
  it.each([
    ['two-patients.html', 'ambiguous', /2 different NHS numbers shown/],
    ['invalid-check-digit.html', 'invalid', /943 476 5918 fails the modulus 11 check/],
    ['fields-disagree.html', 'ambiguous', /Dates of birth disagree/],
    ['unlabelled-number.html', 'none', /Unlabelled/],
  ])('%s → %s', (name, status, reason) => {
    const r = fixture(name);
    expect(r.status).toBe(status);
    expect(r.patient).toBeUndefined();
    expect(r.reason).toMatch(reason);
    expect(r.source.adapterId).toBe('generic');
  });

  it('reads the record in a same-origin frame, and nothing from a closed shadow root', () => {
    const r = fixture('iframe-and-shadow.html');
    expect(r.status).toBe('single');
    expect(r.patient).toMatchObject({ nhsNumber: '9434765919', name: { family: 'JONES', given: ['Sarah'] } });
  });

  it('reads a labelled letter with unspaced NHS number, dotted date and short sex', () => {
    const r = fixture('generic-letter.html');
    expect(r.status).toBe('single');
    expect(r.patient).toEqual({
      nhsNumber: '4857773457',
      name: { family: "O'BRIEN", given: ['Siobhán'], prefix: 'Ms' },
      birthDate: '1979-02-28',
      gender: 'female',
      postcode: 'LS7 3HB',
    });
    expect(r.confidence).toBe(1);
  });

  it('keeps a script-laden name as literal text and ignores script, style, noscript and template text', () => {
    const r = fixture('script-name.html');
    expect(r.status).toBe('single');
    expect(r.patient!.nhsNumber).toBe('9434765919');
    expect(r.patient!.name.family).toBe('<img src=x onerror="alert(document.cookie)">');
    expect(r.source.title).toBe('<script>alert(1)</script> record');
    expect((globalThis as { __hostileRan?: boolean }).__hostileRan).toBeUndefined();
  });

  it('the hostile demo page is read literally too', () => {
    const r = readPatientContext(loadDemoPage('hostile/script-name.html'), demoUrl('hostile/script-name.html'), BUILTIN_ACTIVE_ADAPTERS);
    expect(r.status).toBe('single');
    expect(r.patient!.name.family).toBe(`<img src=x onerror="document.title='pwned'">`);
  });
});

describe('adapters refuse what they cannot trust', () => {
  const gp = demoPage('gp/record-9434765919.html');
  const read = (html: string, rel = 'gp/record-x.html') => readPatientContext(parseHtml(html), demoUrl(rel), BUILTIN_ACTIVE_ADAPTERS, 1);

  it('an invalid check digit in the GP record is reported, not used', () => {
    const r = read(gp.replace('943 476 5919', '943 476 5918'));
    expect(r).toMatchObject({ status: 'invalid', source: { adapterId: 'demo-gp' } });
    expect(r.reason).toMatch(/modulus 11/);
  });

  it('two patient panels in one GP page are ambiguous', () => {
    const second = gp.match(/<table class="demographics"[\s\S]*?<\/table>/)![0].replace('943 476 5919', '991 200 3888');
    const r = read(gp.replace('<section id="problems">', `${second}<section id="problems">`));
    expect(r.status).toBe('ambiguous');
  });

  it('a record without a name is not a patient', () => {
    const r = read(gp.replace(/<td class="pt-name">[^<]*<\/td>/, '<td class="pt-name"></td>'));
    expect(r.status).toBe('invalid');
    expect(r.reason).toMatch(/name/);
  });

  it('an adapter with a broken selector or pattern yields no patient instead of throwing', () => {
    const broken = [
      {
        ...BUILTIN_ACTIVE_ADAPTERS[0]!,
        recordOpen: { selector: '#record' },
        fields: { nhsNumber: [{ selector: ':::nope', normalise: 'nhsNumber' as const }], name: [{ selector: 'td', pattern: '(', normalise: 'name' as const }] },
      },
    ];
    const r = readPatientContext(parseHtml(gp), demoUrl('gp/record-x.html'), broken, 1);
    expect(r.status).toBe('none');
  });
});

describe('huge and odd pages do not crash or stall the reader', () => {
  it('a 100,000-element page with deep nesting is read within bounds', () => {
    const deep = `${'<div>'.repeat(2000)}x${'</div>'.repeat(2000)}`;
    const rows = Array.from({ length: 98_000 / 2 }, (_, i) => `<span>cell ${i}</span><i></i>`).join('');
    const doc = parseHtml(`<html><body><div class="record"><p>Name: JONES, Sarah (Mrs)</p><p>NHS Number: 943 476 5919</p></div>${deep}${rows}</body></html>`);
    // Bounded work, not a timing (speed lives in `npm run bench`): the scan stops at its node cap.
    expect(collectLines(doc).length).toBeLessThanOrEqual(GENERIC_MAX_TEXT_NODES);
    const r = readPatientContext(doc, 'https://unknown.example/', BUILTIN_ACTIVE_ADAPTERS);
    expect(r.status).toBe('single');
  }, 60_000); // happy-dom takes seconds to build 100,000 elements on a busy machine; no timing is asserted

  it('caps the text it scans', () => {
    const doc = parseHtml(`<body>${'<p>lorem ipsum dolor sit amet</p>'.repeat(30_000)}<p>NHS Number 943 476 5919</p></body>`);
    const text = collectPageText(doc);
    expect(text.length).toBeLessThan(700_000);
    expect(text.includes('943 476 5919')).toBe(false); // beyond the cap, so not read
  });

  it('one enormous text node is truncated', () => {
    const doc = parseHtml(`<body><p>${'9'.repeat(1_000_000)}</p></body>`);
    expect(readPatientContext(doc, 'https://unknown.example/', []).status).toBe('none');
  });
});
