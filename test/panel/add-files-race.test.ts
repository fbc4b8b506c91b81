// @vitest-environment happy-dom
// A file is stored for the draft that was open when it was picked (store.ts addFiles). If the panel
// moves to another patient's draft while the file is being checked, the file must not be listed on
// that other draft: it is refused with a message, and the first draft is left as it was.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDbConnection } from '../../utils/referral/store';
import { fakeApi, report } from './fake-api';

let release: () => void = () => undefined;
vi.mock('../../utils/referral/letters', () => ({
  acceptFiles: async (
    files: { blob: Blob; name: string }[],
    _names: string[],
    keep: (f: { blob: Blob; name: string; contentType: string }) => Promise<unknown>,
  ) => {
    const added = [];
    for (const f of files) added.push(await keep({ ...f, contentType: 'application/pdf' }));
    await new Promise<void>((r) => (release = r)); // still checking when the panel moves on
    return { added, problems: [] };
  },
}));

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
});

describe('a file picked for one patient while the panel moves to another', () => {
  it('is not added to the other patient’s draft', async () => {
    const { createPanelStore } = await import('../../entrypoints/sidepanel/store');
    const api = fakeApi({ report: report('9434765919', 'JONES') });
    const store = createPanelStore(api.api);
    store.actions.connect();
    await waitFor(() => expect(store.draft.value?.patient.nhsNumber).toBe('9434765919'));
    const first = store.draft.value!.id;

    const adding = store.actions.addFiles([{ blob: new Blob(['%PDF-1.4 letter']), name: 'jones-letter.pdf' }]);
    await store.actions.openFor(report('9912003888', 'SMITH', 'John'));
    await waitFor(() => expect(store.draft.value?.patient.nhsNumber).toBe('9912003888'));
    release();
    await adding;

    expect(store.draft.value!.files).toEqual([]);
    expect(store.draft.value!.id).not.toBe(first);
    expect(store.error.value).toMatch(/changed while the file was being checked/);
  });
});
