// @vitest-environment happy-dom
// The generic reader's fast paths (line-start name labels, cheap text walk) stay correct and bounded.
import { describe, expect, it } from 'vitest';
import { readGenericText } from '../../utils/patient/generic';
import { collectPageText } from '../../utils/patient/generic-page';
import { parseHtml } from './helpers';

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
