// @vitest-environment happy-dom
// The patient banner's "Where these details came from" disclosure: the page text each identity
// field was read from, bounded and rendered as text.
import 'fake-indexeddb/auto';
import { cleanup, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../entrypoints/sidepanel/App';
import { PatientBanner } from '../../entrypoints/sidepanel/components/PatientBanner';
import { PatientContextReportSchema } from '../../utils/patient/messages';
import { MAX_PROVENANCE_CHARS } from '../../utils/patient/types';
import { fakeApi, report } from './fake-api';

const NHS = '9434765919';
const patient = { nhsNumber: NHS, displayName: 'JONES, Sarah (Mrs)', birthDate: '1958-03-14', gender: 'female', postcode: 'LS1 4AP' };
const from = { nhsNumber: 'NHS No. 943 476 5919', name: 'JONES, Sarah (Mrs)', birthDate: 'DOB 14-Mar-1958 (66y)', postcode: 'Postcode LS1 4AP' };

afterEach(cleanup);

describe('patient banner provenance', () => {
  it('shows the text each field was read from under "Where these details came from"', () => {
    render(<PatientBanner patient={patient} sourceUrl="http://127.0.0.1/record" from={from} />);
    const box = screen.getByTestId('banner-provenance');
    expect(within(box).getByText('Where these details came from')).toBeTruthy();
    for (const t of Object.values(from)) expect(within(box).getByText(t)).toBeTruthy();
    expect(within(box).getByText('Born').nextElementSibling?.textContent).toBe(from.birthDate);
    expect(box.tagName).toBe('DETAILS'); // a disclosure: closed until the user opens it
    expect((box as HTMLDetailsElement).open).toBe(false);
  });

  it('renders host text as text, never HTML, and at most MAX_PROVENANCE_CHARS of it', () => {
    const hostile = `<img src=x onerror="alert(1)">${'x'.repeat(200)}`;
    render(<PatientBanner patient={patient} sourceUrl="http://127.0.0.1/record" from={{ name: hostile }} />);
    const box = screen.getByTestId('banner-provenance');
    expect(box.querySelector('img')).toBeNull();
    const dd = within(box).getByText('Name').nextElementSibling!;
    expect(dd.textContent).toBe(hostile.slice(0, MAX_PROVENANCE_CHARS));
  });

  it('shows no disclosure when the reader gave no sources', () => {
    render(<PatientBanner patient={patient} sourceUrl="http://127.0.0.1/record" />);
    expect(screen.queryByTestId('banner-provenance')).toBeNull();
  });

  it("the panel passes the report's sources to the banner", async () => {
    render(<App api={fakeApi({ report: { ...report(NHS, 'JONES'), from } }).api} />);
    const box = await screen.findByTestId('banner-provenance');
    expect(within(box).getByText(from.nhsNumber)).toBeTruthy();
  });

  it('the report schema keeps sources and refuses an unbounded one', () => {
    const r = { ...report(NHS, 'JONES'), from };
    expect(PatientContextReportSchema.parse(r).from).toEqual(from);
    expect(PatientContextReportSchema.safeParse({ ...r, from: { name: 'x'.repeat(MAX_PROVENANCE_CHARS + 1) } }).success).toBe(false);
  });
});
