// @vitest-environment happy-dom
// The generic reader's fast paths (titled-name line pre-filter, line-start name labels, cheap text
// walk) must read exactly what the straightforward whole-text scans read, and stay bounded.
import { describe, expect, it } from 'vitest';
import { collectPageText, readGenericText, titledLines } from '@/utils/patient/generic';
import { parseHtml } from './helpers';

// The name pattern, run over the whole text: what titledLines must agree with.
const TITLED_NAME = /(\p{Lu}[\p{Lu}'’ -]*\p{Lu}),[ \t]*(\p{Lu}[\p{L}'’-]*(?:[ \t]+\p{Lu}[\p{L}'’-]*)*)[ \t]*\(([A-Za-z]{2,6})\.?\)/gu;
const titled = (text: string) => [...text.matchAll(TITLED_NAME)].map((m) => m[0]);

describe('titledLines keeps every line a "SURNAME, Given (Title)" name can be on', () => {
  it.each([
    ['JONES, Sarah (Mrs)'],
    ['Patient\nJONES, Sarah (Mrs)\nDOB 14/03/1958'],
    ['Seen with SMITH, John (Mr) and JONES, Sarah (Mrs) today'],
    ['SMITH, John (abc) (Mr)\nO’BRIEN, Siobhán Anne (Ms.)'],
    ['no paren here, Sarah\n(Mrs) on its own line\nJONES, Sarah\n(Mrs)'],
    ['A\rJONES, Sarah (Mrs)\u2028KHAN, Amir (Dr)'],
    ['trailing line without newline: LEE, Ann (Miss)'],
    ['Entry 1: reviewed, advice given.\n01-Jan-2020\nDr A Khan'],
  ])('%j', (text) => {
    expect(titled(titledLines(text))).toEqual(titled(text));
  });

  it('returns only the lines with a parenthesised word, each once', () => {
    expect(titledLines('a (Mr) b (Mrs)\nnothing\nc (Dr)')).toBe('a (Mr) b (Mrs)\nc (Dr)\n');
    expect(titledLines('Entry 1: reviewed, advice given.\n01-Jan-2020')).toBe('');
  });

  it('stays bounded when every word on a long line is a title', () => {
    const line = 'JONES, Sarah (Mrs) '.repeat(100);
    const text = Array.from({ length: 150 }, () => line).join('\n');
    expect(titledLines(text).length).toBe(text.length + 1);
  });
});

describe('the generic reader on its fast paths', () => {
  it('finds "Name" labels only at a line start, same line or next line', () => {
    const r = (text: string) => readGenericText(`NHS Number: 943 476 5919\n${text}`);
    expect(r('Name: Sarah JONES').patient?.name).toEqual({ family: 'JONES', given: ['Sarah'] });
    expect(r('Patient name\nJONES, Sarah').patient?.name).toEqual({ family: 'JONES', given: ['Sarah'] });
    expect(r('Surname: Sarah JONES')).toMatchObject({ status: 'none', reason: 'No patient name shown' });
    expect(r('Name: Sarah JONES\nName: Amir KHAN')).toMatchObject({ status: 'ambiguous', reason: '2 different patient names shown' });
  });

  it('a second titled name on the same line as the first is still a second patient', () => {
    const r = readGenericText('NHS Number: 943 476 5919\nJONES, Sarah (Mrs) — sibling KHAN, Amir (Mr)');
    expect(r).toMatchObject({ status: 'ambiguous', reason: '2 different patient names shown' });
  });

  it('a second valid NHS number anywhere in a long page is still ambiguous', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `<tr><td>0${(i % 9) + 1}-Jan-2020</td><td>Entry ${i}</td></tr>`).join('');
    const doc = parseHtml(`<body><p>Name: JONES, Sarah (Mrs)</p><p>NHS Number: 943 476 5919</p><table>${rows}</table><p>Sibling 485 777 3457</p></body>`);
    expect(readGenericText(collectPageText(doc))).toMatchObject({ status: 'ambiguous', reason: '2 different NHS numbers shown' });
  });

  it('labelled postcodes are normalised whatever their case', () => {
    const r = readGenericText('NHS Number: 943 476 5919\nName: JONES, Sarah (Mrs)\nPostcode: ls1 4ap');
    expect(r.patient?.postcode).toBe('LS1 4AP');
  });
});

describe('collectPageText', () => {
  it('reads text nodes one per line, trimmed, without whitespace-only nodes', () => {
    const doc = parseHtml('<body><p>  NHS Number </p>\n  <p>943 476 5919</p><div>   </div><b>x</b></body>');
    expect(collectPageText(doc)).toBe('NHS Number\n943 476 5919\nx');
  });

  it('skips script, style, noscript, textarea and svg text, whatever the tag case', () => {
    const doc = parseHtml(
      '<body><SCRIPT>var n = "485 777 3457"</SCRIPT><style>p{}</style><noscript>no</noscript><textarea>t</textarea><svg>s</svg><p>kept</p></body>',
    );
    expect(collectPageText(doc)).toBe('kept');
  });

  it('keeps at most 2,000 characters of one text node', () => {
    const doc = parseHtml(`<body><p>${'a'.repeat(5000)}</p></body>`);
    expect(collectPageText(doc)).toHaveLength(2000);
  });
});
