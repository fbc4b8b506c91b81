// @vitest-environment happy-dom
// The side panel's steps and rules, rendered with Preact on happy-dom, drafts in fake IndexedDB.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { App } from '../../entrypoints/sidepanel/App';
import { formatUbrn } from '../../entrypoints/sidepanel/components/DoneScreen';
import { draftId, newDraft, type Draft } from '../../utils/referral/model';
import { deleteDraft, getBlob, getDraft, listOutstanding, putBlob, putDraft, putOutstanding, updateDraft } from '../../utils/referral/store';
import { fakeApi, OWNER, report, service, USER_ADAMS } from './fake-api';
import { freshPanelEachTest, NHS, searchFor } from './render';

const HOST = 'http://127.0.0.1:4010';

freshPanelEachTest();

/** Adds the first result to the shortlist and waits until the draft holds it. */
async function shortlistService1() {
  fireEvent.click(screen.getByRole('button', { name: 'Add Service 1 to the shortlist' }));
  await waitFor(async () => expect((await getDraft(draftId(OWNER, HOST, NHS)))?.shortlist).toHaveLength(1));
}

/** Opens the panel on Mrs JONES's draft and stores a patient letter PDF for it, as a submission leaves it. */
async function openWithPatientLetter() {
  const api = fakeApi({ report: report(NHS, 'JONES') });
  render(<App api={api.api} />);
  const id = draftId(OWNER, HOST, NHS);
  await waitFor(async () => expect(await getDraft(id)).toBeDefined());
  await putBlob(`patient-letter:${id}`, id, new Blob(['%PDF-1.4'], { type: 'application/pdf' }));
  return { api, id };
}

/** This user's draft for another patient (Ms TAYLOR), started on another page of the same system. */
function taylorDraft(): Draft {
  return newDraft({
    owner: OWNER,
    hostOrigin: HOST,
    sourceUrl: `${HOST}/x`,
    patient: { nhsNumber: '9000000009', displayName: 'TAYLOR, Amelia (Ms)' },
    ttlMs: 86_400_000,
    now: Date.now(),
  });
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
    expect(problems.textContent).toContain('virus.exe: e-RS does not accept this type of file.');
    expect(problems.textContent).not.toMatch(/service|route/);
    expect(problems.textContent).toContain('huge.pdf is 5.0 MB; e-RS accepts files up to 5 MB.');
    expect(problems.textContent).toContain('empty.txt is empty.');
    await waitFor(() => expect(document.querySelectorAll('[data-file-name]')).toHaveLength(1));
    const draft = await getDraft(draftId(OWNER, HOST, NHS));
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
    await waitFor(() => expect(api.calls.submit).toEqual([{ draftId: draftId(OWNER, HOST, NHS), tabId: 7 }]));
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
    // Shown from the page only: the background is the one writer of the lock (utils/referral/draft-lock.ts).
    expect((await getDraft(draftId(OWNER, HOST, NHS)))?.lockedReason).toBeUndefined();
    // Back on the draft's patient, it can be worked on again.
    api.pushContext(report(NHS, 'JONES'));
    await waitFor(() => expect(screen.queryByTestId('draft-locked')).toBeNull());
  });

  async function lostCreate(reconcile: Draft['submission']['reconcile']) {
    const api = fakeApi({ report: report(NHS, 'JONES') });
    render(<App api={api.api} />);
    await waitFor(async () => expect(await getDraft(draftId(OWNER, HOST, NHS))).toBeDefined());
    await updateDraft(draftId(OWNER, HOST, NHS), (d) => {
      d.submission = { phase: 'outcome-unknown', createSentAt: Date.now(), updatedAt: Date.now(), reconcile };
    });
    cleanup();
    render(<App api={api.api} />);
    return { api, box: await screen.findByTestId('outcome-unknown') };
  }

  it('after a lost create, says plainly that it is looking in e-RS; nothing is sent again', async () => {
    const { api, box } = await lostCreate({ status: 'searching' });
    expect(box.textContent).toMatch(/cannot tell whether the referral was created/);
    expect(box.textContent).toMatch(/not.* been sent again/);
    expect(box.textContent).toMatch(/Looking in e-RS/);
    expect(api.calls.submit).toHaveLength(0);
    expect(api.calls.reconcile).toHaveLength(0);
  });

  it('nothing found in e-RS: says what to check; sending again needs "I have checked e-RS and it was not created"', async () => {
    const { api, box } = await lostCreate({ status: 'none', candidates: [] });
    expect(box.textContent).toMatch(/does not show a referral for this patient/);
    expect(box.textContent).toMatch(/check in the e-RS application/);
    const resend = screen.getByTestId('resend') as HTMLButtonElement;
    expect(resend.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Look in e-RS again' }));
    await waitFor(() => expect(api.calls.reconcile).toEqual([{ draftId: draftId(OWNER, HOST, NHS), action: { kind: 'recheck' } }]));
    fireEvent.click(screen.getByTestId('confirm-not-created'));
    await waitFor(() => expect((screen.getByTestId('resend') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('resend'));
    await waitFor(() => expect(api.calls.reconcile[1]).toEqual({ draftId: draftId(OWNER, HOST, NHS), action: { kind: 'resend', confirmedNotCreated: true } }));
    expect(api.calls.submit).toHaveLength(0);
  });

  it('several found in e-RS: lists them and lets the user choose', async () => {
    const { api } = await lostCreate({
      status: 'several',
      candidates: [
        { ubrn: '000000070002', created: '2026-03-01T10:00:01Z', clinicalContext: 'CARDIOLOGY', priority: 'ROUTINE' },
        { ubrn: '000000070003', created: '2026-03-01T10:00:02Z', clinicalContext: 'CARDIOLOGY', priority: 'ROUTINE' },
      ],
    });
    const list = screen.getByTestId('reconcile-several');
    expect(list.textContent).toMatch(/UBRN 000000070002.*UBRN 000000070003/s);
    const use = screen.getByRole('button', { name: 'Use this referral' }) as HTMLButtonElement;
    expect(use.disabled).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: /000000070003/ }));
    await waitFor(() => expect(use.disabled).toBe(false));
    fireEvent.click(use);
    await waitFor(() => expect(api.calls.reconcile).toEqual([{ draftId: draftId(OWNER, HOST, NHS), action: { kind: 'choose', ubrn: '000000070003' } }]));
  });
});

describe('typing', () => {
  /** Types like a person: each key goes after what the field shows at that moment, with saves finishing in between. */
  async function typeInto(field: HTMLInputElement, text: string) {
    for (const ch of text) {
      field.value += ch;
      fireEvent.input(field);
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  it('keeps every character typed fast (a SNOMED CT code, an SDS user ID), on screen and in the saved draft', async () => {
    render(<App api={fakeApi({ report: report(NHS, 'JONES') }).api} />);
    await screen.findByTestId('patient-banner');
    const code = (await screen.findByLabelText(/Clinical term/)) as HTMLInputElement;
    await typeInto(code, '1234567890123');
    const named = screen.getByLabelText(/Named clinician/) as HTMLInputElement;
    await typeInto(named, '021600556514');
    await waitFor(async () => {
      const stored = await getDraft(draftId(OWNER, HOST, NHS));
      expect(stored?.search.criteria.clinicalTerm).toBe('1234567890123');
      expect(stored?.search.criteria.namedClinician).toBe('021600556514');
    });
    expect(code.value).toBe('1234567890123');
    expect(named.value).toBe('021600556514');
  });
});

describe('drafts', () => {
  it('restores the draft when the panel reopens for the patient', async () => {
    const api = await searchFor();
    fireEvent.click(screen.getByRole('button', { name: 'Add Service 2 to the shortlist' }));
    await waitFor(async () => expect((await getDraft(draftId(OWNER, HOST, NHS)))?.shortlist).toHaveLength(1));
    cleanup();
    render(<App api={api.api} />);
    await waitFor(() => expect(document.querySelector('[data-shortlist-id="2"]')).not.toBeNull());
  });
});

describe('done screen', () => {
  it('shows the UBRN large and copyable, the patient letter and what happens next', async () => {
    const { api, id } = await openWithPatientLetter();
    await updateDraft(id, (d) => {
      d.submission = {
        phase: 'complete',
        route: 'A011',
        ubrn: '000000070002',
        patientLetter: { fileName: '000000070002_Booking_Instructions.pdf', size: 8 },
        updatedAt: Date.now(),
      };
    });
    cleanup();
    render(<App api={api.api} />);
    expect((await screen.findByTestId('ubrn')).textContent).toBe('0000 0007 0002');
    expect(screen.getByRole('button', { name: 'Copy UBRN' })).toBeTruthy();
    expect(screen.getByText(/book their appointment online or by phone/)).toBeTruthy();
    expect(formatUbrn('000000070000')).toBe('0000 0007 0000');
  });
});

describe('after a referral with its letter to follow', () => {
  it('Finish starts a fresh referral for the same patient; the sent one stays listed with its letter outstanding', async () => {
    const { api, id } = await openWithPatientLetter();
    await putOutstanding({
      ubrn: '000000070002',
      owner: OWNER,
      draftId: id,
      displayName: 'JONES, Sarah (Mrs)',
      nhsNumber: NHS,
      priority: 'ROUTINE',
      createdAt: Date.now(),
      deadline: Date.now() + 86_400_000,
      hostOrigin: HOST,
    });
    await updateDraft(id, (d) => {
      d.letterMode = 'to-follow';
      d.submission = { phase: 'complete', route: 'A011', ubrn: '000000070002', updatedAt: Date.now() };
    });
    cleanup();
    render(<App api={api.api} />);
    await screen.findByTestId('done');
    fireEvent.click(screen.getByRole('button', { name: 'Finish' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Search' })).toBeTruthy());
    expect(screen.queryByTestId('done')).toBeNull();
    expect((await getDraft(id))?.submission.phase).toBe('editing');
    const setAside = await getDraft(`${id}#000000070002`);
    expect(setAside?.submission.ubrn).toBe('000000070002');
    expect(await getBlob(`patient-letter:${id}#000000070002`)).toBeDefined();
    expect((await listOutstanding(OWNER))[0]?.draftId).toBe(`${id}#000000070002`);
    expect(screen.getByTestId('draft-status').textContent).toBe('Sent, letter to follow');
  });
});

describe('your other drafts', () => {
  it('say honestly what happened (a refused create is not "Submitting") and Delete asks first', async () => {
    const api = fakeApi({ report: report(NHS, 'JONES') });
    const refused = taylorDraft();
    refused.submission = { phase: 'ready', error: { step: 'create', kind: 'refused', status: 422, message: 'e-RS refused it.' }, updatedAt: Date.now() };
    const editing = newDraft({
      owner: OWNER,
      hostOrigin: HOST,
      sourceUrl: `${HOST}/y`,
      patient: { nhsNumber: '9000000017', displayName: 'PATEL, Ravi (Mr)' },
      ttlMs: 86_400_000,
      now: Date.now() - 1000,
    });
    await putDraft(refused);
    await putDraft(editing);
    render(<App api={api.api} />);
    await screen.findByText(/Your other drafts \(2\)/);
    expect(screen.getAllByTestId('draft-status').map((e) => e.textContent)).toEqual(['Not sent: e-RS refused it', 'Draft, not sent']);
    fireEvent.click(screen.getByRole('button', { name: 'Delete the draft for PATEL, Ravi (Mr)' }));
    expect(await getDraft(editing.id)).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Keep it' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete the draft for PATEL, Ravi (Mr)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete' }));
    await waitFor(async () => expect(await getDraft(editing.id)).toBeUndefined());
  });
});

describe('the panel follows the session at once', () => {
  it('on sign-out nothing of the patient, shortlist, letter or other drafts stays on screen; signing in again brings the draft back', async () => {
    const api = await searchFor();
    await shortlistService1();
    await putDraft(taylorDraft());
    api.changeSession({ state: 'active' }); // any change re-reads the lists
    await screen.findByText('TAYLOR, Amelia (Ms)');

    api.changeSession({ state: 'expired', notice: 'Your e-RS session was paused because the screen was locked.' });
    await screen.findByTestId('signed-out-panel');
    const text = document.body.textContent!;
    for (const shown of ['JONES', '943 476 5919', 'TAYLOR', 'Service 1', 'LS1 4AP']) expect(text, shown).not.toContain(shown);
    expect(document.querySelector('[data-shortlist-id]')).toBeNull();

    api.changeSession({ state: 'active' });
    await waitFor(() => expect(document.querySelector('[data-shortlist-id="1"]')).not.toBeNull());
    expect(screen.getByTestId('banner-nhs-number').textContent).toBe('943 476 5919');
  });

  it('says why the open draft is gone when sign-out removed it, and starts a fresh one for the patient shown', async () => {
    const api = await searchFor();
    await shortlistService1();
    api.changeSession({ state: 'signed-out', userId: undefined, ods: undefined });
    await screen.findByTestId('signed-out-panel');
    await deleteDraft(draftId(OWNER, HOST, NHS)); // what the background's sign-out does to an editing draft
    api.changeSession({ state: 'active', userId: USER_ADAMS, ods: 'B86001' });
    expect((await screen.findByTestId('panel-notice')).textContent).toMatch(/removed when you signed out.*Nothing was sent to e-RS/);
    await waitFor(() => expect(screen.getByTestId('banner-nhs-number').textContent).toBe('943 476 5919'));
    expect(document.querySelector('[data-shortlist-id]')).toBeNull();
  });

  it("another user signing in sees none of the first user's drafts, even for the same patient", async () => {
    const _api = await searchFor();
    await shortlistService1();
    await putDraft(taylorDraft());
    cleanup();
    // A browser restart: no sign-out ran; the next user signs in.
    const next = fakeApi({ report: report(NHS, 'JONES'), session: { userId: '021600556522', userName: 'Dr BAKER' } });
    render(<App api={next.api} />);
    await screen.findByTestId('patient-banner');
    await waitFor(async () => expect(await getDraft(draftId('021600556522@B86001', HOST, NHS))).toBeDefined());
    expect(document.querySelector('[data-shortlist-id]')).toBeNull();
    expect(document.body.textContent).not.toContain('TAYLOR');
    expect(screen.getByText(/Your other drafts \(0\)/)).toBeTruthy();
  });
});

describe('automatic resume', () => {
  it('opening a ready draft for another patient than the page shows does not resume (create) it', async () => {
    const api = fakeApi({ report: report(NHS, 'JONES') });
    const other = taylorDraft();
    other.shortlist = [service('1')];
    other.letterMode = 'to-follow';
    other.submission = { phase: 'ready', updatedAt: Date.now() };
    await putDraft(other);
    render(<App api={api.api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'TAYLOR, Amelia (Ms)' }));
    await waitFor(() => expect(screen.getByTestId('banner-nhs-number').textContent).toBe('900 000 0009'));
    // Another render of the panel runs that render's effects first (the automatic resume lives there).
    api.pushContext(report(NHS, 'JONES'));
    await screen.findByTestId('draft-locked');
    expect(api.calls.resume).toEqual([]);
    // Back on the page showing her, it is resumed with this tab for the background's own check.
    api.pushContext(report('9000000009', 'TAYLOR', 'Amelia'));
    cleanup();
    render(<App api={api.api} />);
    await waitFor(() => expect(api.calls.resume).toEqual([other.id]));
    expect(api.calls.resumeTabs).toEqual([7]);
  });
});
