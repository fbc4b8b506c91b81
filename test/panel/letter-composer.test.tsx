// @vitest-environment happy-dom
// The letter written in the panel is never silently missing from the referral: a PDF that cannot be
// made, or a file that is not accepted, is said on screen with the typed text kept in the draft; a
// written letter that is not added (or changed since) stops the submit; and a letter's changes go to
// the draft it was written for only.
import 'fake-indexeddb/auto';
import { signal } from '@preact/signals';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../entrypoints/sidepanel/App';
import { letterActions, OTHER_DRAFT, type LetterStore } from '../../entrypoints/sidepanel/letter-store';
import { createPanelStore } from '../../entrypoints/sidepanel/store';
import { draftId, newDraft, type Draft } from '../../utils/referral/model';
import { getDraft, putDraft, resetDbConnection } from '../../utils/referral/store';
import { fakeApi, OWNER, report } from './fake-api';

const pdfFault = vi.hoisted(() => ({ on: false }));
vi.mock('../../utils/letter/pdf', async (real) => {
  const actual = await real<typeof import('../../utils/letter/pdf')>();
  return {
    ...actual,
    renderLetterPdf: (...args: Parameters<typeof actual.renderLetterPdf>) =>
      pdfFault.on ? Promise.reject(new Error('the font could not be loaded')) : actual.renderLetterPdf(...args),
  };
});

const NHS = '9434765919';
const HOST = 'http://127.0.0.1:4010';
const ID = draftId(OWNER, HOST, NHS);
const REASON = 'Six weeks of central chest tightness on exertion.';
const SLOW = { timeout: 15_000 };

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
  pdfFault.on = false;
});
afterEach(() => cleanup());

async function writeLetter() {
  render(<App api={fakeApi({ report: report(NHS, 'JONES') }).api} />);
  await screen.findByTestId('patient-banner');
  await waitFor(() => expect(screen.getByRole('option', { name: 'Cardiology' })).toBeTruthy());
  fireEvent.click(screen.getByRole('button', { name: 'Search' }));
  await screen.findByText(/services? found/);
  fireEvent.click(screen.getByRole('button', { name: 'Add Service 1 to the shortlist' }));
  await waitFor(async () => expect((await getDraft(ID))?.shortlist).toHaveLength(1));
  fireEvent.click(screen.getByTestId('write-letter'));
  // The composer is loaded on the first press (a dynamic import): allow for a busy machine.
  const reason = (await screen.findByLabelText(/Reason for referral/, undefined, SLOW)) as HTMLTextAreaElement;
  fireEvent.input(reason, { target: { value: REASON } });
  await waitFor(async () => expect((await getDraft(ID))?.letter?.sections.reason).toBe(REASON), SLOW);
}

const submitButton = () => screen.getByTestId('submit') as HTMLButtonElement;
/** Back from the letter screen to the draft (the letter is kept). */
const close = () => fireEvent.click(screen.getByRole('button', { name: 'Close (your text is kept)' }));

describe('the written letter', () => {
  it('a PDF that cannot be made is said on screen; nothing is added and the typed text stays in the draft', async () => {
    await writeLetter();
    pdfFault.on = true;
    fireEvent.click(screen.getByTestId('letter-add'));
    const alert = await screen.findByTestId('letter-problems', undefined, SLOW);
    expect(alert.textContent).toMatch(/could not be made into a PDF.*Nothing was added; your text is kept/);
    const draft = (await getDraft(ID))!;
    expect(draft.files).toEqual([]);
    expect(draft.letter).toMatchObject({ sections: { reason: REASON } });
    expect(draft.letter?.added).toBeUndefined();
    expect((screen.getByLabelText(/Reason for referral/) as HTMLTextAreaElement).value).toBe(REASON);
    close();
    await waitFor(() => expect(submitButton().disabled).toBe(true));
  });

  it('once added it is a letter file and the referral may be sent; changed afterwards, it stops the submit until added again', async () => {
    await writeLetter();
    // Another file attached instead of the written letter: the written one would be left out.
    close();
    const other = new File(['%PDF-1.4 scan'], 'scan.pdf', { type: 'application/pdf' });
    fireEvent.change(screen.getByLabelText(/Choose files/), { target: { files: [other] } });
    await waitFor(async () => expect((await getDraft(ID))?.files).toHaveLength(1));
    await waitFor(() => expect(screen.getByText(/Add the letter you wrote/)).toBeTruthy());
    expect(submitButton().disabled).toBe(true);

    fireEvent.click(screen.getByTestId('write-letter'));
    fireEvent.click(await screen.findByTestId('letter-add'));
    await waitFor(() => expect(screen.queryByTestId('letter-composer')).toBeNull(), SLOW);
    const added = (await getDraft(ID))!;
    expect(added.files.map((f) => f.name)).toEqual(['scan.pdf', expect.stringMatching(/^Referral_letter_.*\.pdf$/)]);
    expect(added.letter?.added?.fileId).toBe(added.files[1].id);
    await waitFor(() => expect(submitButton().disabled).toBe(false));

    fireEvent.click(screen.getByTestId('write-letter'));
    fireEvent.input(await screen.findByLabelText(/Reason for referral/), { target: { value: `${REASON} Now at rest too.` } });
    expect(await screen.findByTestId('letter-changed')).toBeTruthy();
    await waitFor(async () => expect((await getDraft(ID))?.letter?.sections.reason).toMatch(/at rest/));
    close();
    await waitFor(() => expect(submitButton().disabled).toBe(true));
    expect(screen.getByText(/Add the letter you wrote/)).toBeTruthy();
  });

  it('discarding it (asked twice) removes it from the draft, and the referral may be sent with the other file', async () => {
    await writeLetter();
    fireEvent.click(screen.getByTestId('letter-discard'));
    expect((await getDraft(ID))?.letter).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Yes, discard this letter' }));
    await waitFor(async () => expect((await getDraft(ID))?.letter).toBeUndefined());
  });
});

describe("a letter's changes", () => {
  function fakeStore(draft: Draft) {
    const changed: string[] = [];
    const shown = signal<Draft | undefined>(draft);
    const store: LetterStore = {
      draft: shown,
      fileProblems: signal<string[]>([]),
      actions: {
        change: async (mutate) => {
          const d = structuredClone(shown.peek()!);
          mutate(d);
          changed.push(d.id);
          shown.value = d;
        },
        addFiles: async () => {
          const d = structuredClone(shown.peek()!);
          d.files.push({ id: 'f1', name: 'Referral_letter.pdf', contentType: 'application/pdf', size: 10 });
          shown.value = d;
        },
      },
    };
    return { store, shown, changed };
  }
  const draftFor = (nhsNumber: string) =>
    newDraft({ owner: OWNER, hostOrigin: HOST, sourceUrl: HOST, patient: { nhsNumber, displayName: 'X' }, ttlMs: 1, now: 0 });

  it('the letter screen shows only for the draft it was opened for: opening another draft shows that draft, not the letter', async () => {
    const store = createPanelStore(fakeApi({ report: report(NHS, 'JONES') }).api);
    const stop = store.actions.connect();
    await waitFor(() => expect(store.draft.value?.id).toBe(ID), SLOW);
    store.actions.writeLetter(ID);
    expect(store.screen.value).toBe('letter');
    const other = draftFor('9000000009');
    await putDraft(other);
    await store.actions.openDraft(other.id);
    expect(store.draft.value?.id).toBe(other.id);
    expect(store.screen.value).toBe('draft');
    stop();
  });

  it('go to the draft the letter was written for, never to a draft opened since (another patient)', async () => {
    const a = draftFor(NHS);
    const { store, shown, changed } = fakeStore(a);
    const letter = { templateId: 'general', sections: { reason: REASON }, items: [], recordNhsNumber: NHS, updatedAt: 1 };
    const actions = letterActions(store, a.id);
    await actions.save(letter);
    expect(changed).toEqual([a.id]);

    shown.value = draftFor('9000000009');
    await expect(actions.save(letter)).rejects.toThrow(OTHER_DRAFT);
    await expect(actions.add({ blob: new Blob(['%PDF']), name: 'Referral_letter.pdf' }, letter)).rejects.toThrow(OTHER_DRAFT);
    await expect(actions.discard()).rejects.toThrow(OTHER_DRAFT);
    expect(changed).toEqual([a.id]);
    expect(shown.peek()?.letter).toBeUndefined();
  });
});
