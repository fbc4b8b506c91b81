// @vitest-environment happy-dom
// The side panel's steps and rules, rendered with Preact on happy-dom, drafts in fake IndexedDB.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../components/panel/App';
import { formatUbrn } from '../../components/panel/DoneScreen';
import { draftId } from '../../utils/referral/model';
import { getDraft, putBlob, resetDbConnection, updateDraft } from '../../utils/referral/store';
import { fakeApi, report, service } from './fake-api';

const NHS = '9434765919';
const HOST = 'http://127.0.0.1:4010';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
});
afterEach(() => cleanup());

async function searchFor(api = fakeApi({ report: report(NHS, 'JONES') })) {
  render(<App api={api.api} />);
  await screen.findByTestId('patient-banner');
  await waitFor(() => expect(screen.getByRole('option', { name: 'Cardiology' })).toBeTruthy());
  fireEvent.click(screen.getByRole('button', { name: 'Search' }));
  await screen.findByText(/services? found/);
  return api;
}

describe('patient banner', () => {
  it('shows whose referral it is: name, NHS number as 943 476 5919, date of birth with age, sex, postcode, source page', async () => {
    render(<App api={fakeApi({ report: report(NHS, 'JONES') }).api} />);
    const banner = await screen.findByTestId('patient-banner');
    expect(banner.textContent).toContain('JONES, Sarah (Mrs)');
    expect(within(banner).getByTestId('banner-nhs-number').textContent).toBe('943 476 5919');
    expect(banner.textContent).toMatch(/14-Mar-1958 \(\d+y\)/);
    expect(banner.textContent).toContain('Female');
    expect(banner.textContent).toContain('LS1 4AP');
    expect(banner.textContent).toContain('127.0.0.1:4010/demo/gp/record.html');
  });

  it('shows hostile text from the host page literally, never as markup', async () => {
    render(<App api={fakeApi({ report: report(NHS, '<img src=x onerror=alert(1)>') }).api} />);
    const banner = await screen.findByTestId('patient-banner');
    expect(banner.querySelector('img')).toBeNull();
    expect(banner.textContent).toContain('<IMG SRC=X ONERROR=ALERT(1)>');
  });

  it('asks for one explicit confirmation before searching when the read was not certain', async () => {
    render(<App api={fakeApi({ report: { ...report(NHS, 'JONES'), confidence: 0.7 } }).api} />);
    await screen.findByTestId('check-patient');
    await waitFor(() => expect(screen.getByRole('option', { name: 'Cardiology' })).toBeTruthy());
    expect((screen.getByRole('button', { name: 'Search' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Yes, this is the right patient' }));
    await waitFor(() => expect(screen.queryByTestId('check-patient')).toBeNull());
    expect((screen.getByRole('button', { name: 'Search' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('asks the user when the page has no single patient', async () => {
    const none = { ...report(NHS, 'X'), status: 'ambiguous' as const, patient: undefined, reason: 'Two patients are shown on this page.' };
    render(<App api={fakeApi({ report: none }).api} />);
    await waitFor(() => expect(screen.getByTestId('no-patient').textContent).toContain('Two patients are shown on this page.'));
  });
});

describe('search and results', () => {
  it('searches with the remembered specialty and the patient, then filters and sorts without another call', async () => {
    const api = await searchFor();
    expect(api.calls.search[0]).toMatchObject({ nhsNumber: NHS, criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true } });
    expect(Object.keys(api.calls.search[0].criteria)).toEqual(['priority', 'specialty', 'ageAndGenderAppropriate']);
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'ras' } });
    await waitFor(() => expect(document.querySelectorAll('.service')).toHaveLength(1));
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'all' } });
    fireEvent.change(screen.getByLabelText('Sort'), { target: { value: 'distance' } });
    await waitFor(() => expect([...document.querySelectorAll('.service')].map((e) => e.getAttribute('data-service-id'))).toEqual(['1', '2', '9']));
    expect(api.calls.search).toHaveLength(1);
  });

  it('offers only clinic types of the chosen specialty, and no wait limit for two week wait', async () => {
    render(<App api={fakeApi({ report: report(NHS, 'JONES') }).api} />);
    await waitFor(() => expect(screen.getByRole('option', { name: 'Heart Failure' })).toBeTruthy());
    expect(screen.queryByRole('option', { name: 'Eczema' })).toBeNull();
    fireEvent.click(screen.getByLabelText('Two week wait (suspected cancer)'));
    await waitFor(() => expect((screen.getByLabelText('Longest indicative wait (days)') as HTMLInputElement).disabled).toBe(true));
  });

  it('renders 200 results', async () => {
    await searchFor(fakeApi({ report: report(NHS, 'JONES'), services: Array.from({ length: 200 }, (_, i) => service(String(10000 + i))) }));
    expect(document.querySelectorAll('.service')).toHaveLength(200);
  });
});

describe('shortlist rules', () => {
  it('a Referral Assessment Service goes alone, with the triage route explained', async () => {
    await searchFor();
    fireEvent.click(screen.getByRole('button', { name: 'Add Cardiology RAS to the shortlist' }));
    await screen.findByText(/This is a Referral Assessment Service/);
    expect((screen.getByRole('button', { name: 'Add Service 1 to the shortlist' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getAllByText(/holds a Referral Assessment Service, which goes alone/).length).toBeGreaterThan(0);
  });

  it('holds at most 20 services and never the same one twice', async () => {
    await searchFor(fakeApi({ report: report(NHS, 'JONES'), services: Array.from({ length: 21 }, (_, i) => service(String(100 + i))) }));
    for (let i = 0; i < 21; i++) fireEvent.click(screen.getByRole('button', { name: `Add Service ${100 + i} to the shortlist` }));
    await waitFor(() => expect(document.querySelectorAll('[data-shortlist-id]')).toHaveLength(20));
    expect(screen.getByRole('heading', { name: /Shortlist \(20 of 20\)/ })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Add Service 120 to the shortlist' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Added: Service 100 is on the shortlist' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a clinician admin must name the referring clinician before submitting', async () => {
    await searchFor(fakeApi({ report: report(NHS, 'JONES'), session: { businessFunction: 'REFERRING_CLINICIAN_ADMIN' } }));
    fireEvent.click(screen.getByRole('button', { name: 'Add Service 1 to the shortlist' }));
    fireEvent.click(await screen.findByLabelText(/Letter to follow/));
    await screen.findByText(/Name the referring clinician/);
    fireEvent.input(screen.getByLabelText('Referring clinician (SDS user ID)'), { target: { value: '021600556514' } });
    await waitFor(() => expect((screen.getByTestId('submit') as HTMLButtonElement).disabled).toBe(false));
  });
});

describe('referral letter', () => {
  it('refuses wrong types and oversized files with a clear message and keeps the rest', async () => {
    await searchFor();
    const input = screen.getByLabelText('Choose files, drop them here, or paste an image') as HTMLInputElement;
    const files = [
      new File(['%PDF-1.4'], 'letter.pdf', { type: 'application/pdf' }),
      new File(['MZ'], 'virus.exe', { type: 'application/x-msdownload' }),
      new File([new Uint8Array(5 * 1024 * 1024 + 1)], 'huge.pdf', { type: 'application/pdf' }),
      new File([''], 'empty.txt', { type: 'text/plain' }),
    ];
    Object.defineProperty(input, 'files', { value: files });
    fireEvent.change(input);
    const problems = await screen.findByRole('alert');
    expect(problems.textContent).toMatch(/virus.exe.*cannot be attached|virus.exe: One of the values/s);
    expect(problems.textContent).toContain('huge.pdf is 5.0 MB; e-RS accepts files up to 5 MB.');
    expect(problems.textContent).toContain('empty.txt is empty.');
    await waitFor(() => expect(document.querySelectorAll('[data-file-name]')).toHaveLength(1));
    const draft = await getDraft(draftId(HOST, NHS));
    expect(draft?.files.map((f) => f.name)).toEqual(['letter.pdf']);
  });
});

describe('submit', () => {
  it('submits once for this patient and this tab', async () => {
    const api = await searchFor();
    fireEvent.click(screen.getByRole('button', { name: 'Add Service 1 to the shortlist' }));
    fireEvent.click(await screen.findByLabelText(/Letter to follow/));
    await waitFor(() => expect((screen.getByTestId('submit') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('submit'));
    await waitFor(() => expect(api.calls.submit).toEqual([{ draftId: draftId(HOST, NHS), tabId: 7 }]));
  });

  it('locks the draft with a clear warning when the host page shows another patient', async () => {
    const api = await searchFor();
    fireEvent.click(screen.getByRole('button', { name: 'Add Service 1 to the shortlist' }));
    fireEvent.click(await screen.findByLabelText(/Letter to follow/));
    api.pushContext(report('9000000009', 'TAYLOR', 'Amelia'));
    const warning = await screen.findByTestId('draft-locked');
    expect(warning.textContent).toMatch(/different patient.*JONES, Sarah \(Mrs\).*locked/);
    expect((screen.getByTestId('submit') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('banner-nhs-number').textContent).toBe('943 476 5919');
    expect((await getDraft(draftId(HOST, NHS)))?.lockedReason).toBeTruthy();
    // Back on the draft's patient, it can be worked on again.
    api.pushContext(report(NHS, 'JONES'));
    await waitFor(() => expect(screen.queryByTestId('draft-locked')).toBeNull());
  });

  it('after a lost create, says so plainly and shows how to check; nothing is sent again', async () => {
    const api = fakeApi({ report: report(NHS, 'JONES') });
    render(<App api={api.api} />);
    await waitFor(async () => expect(await getDraft(draftId(HOST, NHS))).toBeDefined());
    await updateDraft(draftId(HOST, NHS), (d) => { d.submission = { phase: 'outcome-unknown', createSentAt: Date.now(), updatedAt: Date.now() }; });
    cleanup();
    render(<App api={api.api} />);
    const box = await screen.findByTestId('outcome-unknown');
    expect(box.textContent).toMatch(/cannot tell whether the referral was created/);
    expect(box.textContent).toMatch(/not.* been sent again/);
    expect(box.textContent).toMatch(/Check in e-RS/);
    expect(api.calls.submit).toHaveLength(0);
    expect(api.calls.resume).toHaveLength(0);
  });
});

describe('drafts', () => {
  it('restores the draft when the panel reopens for the patient', async () => {
    const api = await searchFor();
    fireEvent.click(screen.getByRole('button', { name: 'Add Service 2 to the shortlist' }));
    await waitFor(async () => expect((await getDraft(draftId(HOST, NHS)))?.shortlist).toHaveLength(1));
    cleanup();
    render(<App api={api.api} />);
    await waitFor(() => expect(document.querySelector('[data-shortlist-id="2"]')).not.toBeNull());
  });
});

describe('done screen', () => {
  it('shows the UBRN large and copyable, the patient letter and what happens next', async () => {
    const api = fakeApi({ report: report(NHS, 'JONES') });
    render(<App api={api.api} />);
    const id = draftId(HOST, NHS);
    await waitFor(async () => expect(await getDraft(id)).toBeDefined());
    await putBlob(`patient-letter:${id}`, id, new Blob(['%PDF-1.4'], { type: 'application/pdf' }));
    await updateDraft(id, (d) => { d.submission = { phase: 'complete', route: 'A011', ubrn: '000000070002', patientLetter: { fileName: '000000070002_Booking_Instructions.pdf', size: 8 }, updatedAt: Date.now() }; });
    cleanup();
    render(<App api={api.api} />);
    expect((await screen.findByTestId('ubrn')).textContent).toBe('0000 0007 0002');
    expect(screen.getByRole('button', { name: 'Copy UBRN' })).toBeTruthy();
    expect(screen.getByText(/book their appointment online or by phone/)).toBeTruthy();
    expect(formatUbrn('000000070000')).toBe('0000 0007 0000');
  });
});
