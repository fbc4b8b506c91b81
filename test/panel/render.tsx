// Rendering the side panel for a test: each test starts with empty drafts in a fresh fake
// IndexedDB, the panel opens on Mrs JONES's record (the fake API's page report), and searching runs
// the default criteria until the results are shown.
import { IDBFactory } from 'fake-indexeddb';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, expect } from 'vitest';
import { App } from '../../entrypoints/sidepanel/App';
import { resetDbConnection } from '../../utils/referral/store';
import { fakeApi, report } from './fake-api';

export const NHS = '9434765919';

/** Registers, in the calling file, a fresh IndexedDB before each test and an unmounted panel after. */
export function freshPanelEachTest(): void {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
    resetDbConnection();
  });
  afterEach(() => cleanup());
}

/** Renders the panel and waits for the patient banner and the specialties list. */
export async function openPanel(api = fakeApi({ report: report(NHS, 'JONES') })) {
  render(<App api={api.api} />);
  await screen.findByTestId('patient-banner');
  await waitFor(() => expect(screen.getByRole('option', { name: 'Cardiology' })).toBeTruthy());
  return api;
}

/** Opens the panel and searches with the default criteria until the results are shown. */
export async function searchFor(api = fakeApi({ report: report(NHS, 'JONES') })) {
  await openPanel(api);
  fireEvent.click(screen.getByRole('button', { name: 'Search' }));
  await screen.findByText(/services? found/);
  return api;
}
