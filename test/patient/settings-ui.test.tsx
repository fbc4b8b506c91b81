// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PatientContextSettings, type AdaptersApi } from '../../entrypoints/options/PatientContextSettings';
import { originPattern } from '../../utils/patient/host-access';
import { router } from '../../utils/messages';
import { registerPatientContext, resetPatientContextForTests } from '../../utils/patient/background';
import { customAdaptersItem } from '../../utils/storage';
import { customAdapter } from '../helpers/adapters';

/** The page's requests answered by the background's router and handlers, as from the options page. */
const OPTIONS_PAGE = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/options.html` };
const api: AdaptersApi = {
  load: () => router.handle({ type: 'patient/adapters' }, OPTIONS_PAGE) as never,
  save: (json) => router.handle({ type: 'patient/save-adapters', json }, OPTIONS_PAGE) as never,
};

const adapter = customAdapter('https://gp.acme.example.nhs.uk/*');

afterEach(cleanup);
beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(fakeBrowser.permissions, 'getAll').mockResolvedValue({ origins: ['http://127.0.0.1/*', 'https://gp.example.nhs.uk/*'] } as never);
  vi.spyOn(fakeBrowser.storage.managed, 'get').mockResolvedValue({ enabledOrigins: ['https://epr.trust.nhs.uk'] } as never);
  resetPatientContextForTests();
  registerPatientContext();
});

describe('options: clinical systems and host adapters', () => {
  it('lists enabled and organisation-suggested sites', async () => {
    render(<PatientContextSettings api={api} />);
    expect(await screen.findByText(/https:\/\/gp\.example\.nhs\.uk\/\*/)).toBeTruthy();
    expect(await screen.findByText(/https:\/\/epr\.trust\.nhs\.uk\/\* \(suggested by your organisation\)/)).toBeTruthy();
  });

  it('saves a valid adapter and refuses an invalid one with the reason', async () => {
    render(<PatientContextSettings api={api} />);
    const box = screen.getByLabelText(/Adapter JSON/) as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: JSON.stringify({ ...adapter, matches: ['nope'] }) } });
    fireEvent.click(screen.getByText('Validate and save'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/Adapter not saved: .*matches\.0: not a match pattern/));
    fireEvent.input(box, { target: { value: JSON.stringify(adapter) } });
    fireEvent.click(screen.getByText('Validate and save'));
    await waitFor(async () => expect(await customAdaptersItem.get()).toEqual([adapter]));
    expect(await screen.findByText(/Added here: Acme GP/)).toBeTruthy();
  });

  it.each([
    ['https://gp.example.nhs.uk/record/1?x=2', 'https://gp.example.nhs.uk/*'],
    ['http://gp.example.nhs.uk/', undefined],
    ['not a url', undefined],
  ])('asks for exactly the origin of %s', (url, pattern) => expect(originPattern(url)).toBe(pattern));
});
