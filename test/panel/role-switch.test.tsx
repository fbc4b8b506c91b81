// @vitest-environment happy-dom
// The panel's header names the user and the organisation (not their ids), and a role switch with a
// draft open asks first: the draft is kept for the organisation it was started in, or deleted to
// start again; it is never carried over to the new organisation without the user choosing.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../entrypoints/sidepanel/App';
import { draftId } from '../../utils/referral/model';
import { getDraft, resetDbConnection } from '../../utils/referral/store';
import { fakeApi, OWNER, report, USER_ADAMS } from './fake-api';

const NHS = '9434765919';
const HOST = 'http://127.0.0.1:4010';
const PRACTICE = { businessFunction: 'REFERRING_CLINICIAN', ods: 'B86001', orgName: 'Park Lane Surgery' };
const TRUST = { businessFunction: 'REFERRING_CLINICIAN', ods: 'R68', orgName: 'Northgate Hospitals Trust' };

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
});
afterEach(() => cleanup());

/** A panel signed in at the practice with a service on the shortlist; switching role is recorded. */
async function withShortlist() {
  const fake = fakeApi({ report: report(NHS, 'JONES'), session: { ...PRACTICE, roles: [PRACTICE, TRUST] } });
  const switched: { businessFunction: string; ods: string }[] = [];
  fake.api.selectRole = async (role) => {
    switched.push(role);
    const to = [PRACTICE, TRUST].find((r) => r.ods === role.ods)!;
    fake.changeSession({ businessFunction: to.businessFunction, ods: to.ods, orgName: to.orgName });
  };
  render(<App api={fake.api} />);
  await screen.findByTestId('patient-banner');
  await waitFor(() => expect(screen.getByRole('option', { name: 'Cardiology' })).toBeTruthy());
  fireEvent.click(screen.getByRole('button', { name: 'Search' }));
  fireEvent.click(await screen.findByRole('button', { name: 'Add Service 1 to the shortlist' }));
  await waitFor(() => expect(document.querySelectorAll('[data-shortlist-id]')).toHaveLength(1));
  const practiceDraft = draftId(OWNER, HOST, NHS);
  await waitFor(async () => expect((await getDraft(practiceDraft))?.shortlist).toHaveLength(1));
  return { switched, practiceDraft };
}

const chooseRole = (ods: string) => fireEvent.change(screen.getByTestId('role-select'), { target: { value: `REFERRING_CLINICIAN|${ods}` } });

describe('panel header: names, not ids', () => {
  it("shows the user's name and the organisation's name", async () => {
    render(<App api={fakeApi({ session: { ...PRACTICE, roles: [PRACTICE, TRUST] } }).api} />);
    const header = await screen.findByTestId('signed-in-as');
    expect(header.textContent).toBe('Dr Kate ADAMS · Referring clinician at Park Lane Surgery');
    expect(screen.getByRole('option', { name: 'Referring clinician at Northgate Hospitals Trust' })).toBeTruthy();
  });

  it('when e-RS gives no names, shows the ids labelled as what they are', async () => {
    render(<App api={fakeApi({ session: { userName: undefined } }).api} />);
    const header = await screen.findByTestId('signed-in-as');
    expect(header.textContent).toBe(`SDS user ID ${USER_ADAMS} · Referring clinician at ODS code B86001`);
  });
});

describe('switching role with a draft open', () => {
  it('warns and waits; "keep" switches and leaves the draft with the practice, and the trust starts afresh', async () => {
    const { switched, practiceDraft } = await withShortlist();
    chooseRole('R68');
    const warning = await screen.findByTestId('role-switch-warning');
    expect(warning.classList.contains('nhsuk-warning-callout')).toBe(true);
    expect(warning.textContent).toContain('The shortlist and draft for JONES, Sarah (Mrs) were started as Referring clinician at Park Lane Surgery');
    expect(warning.textContent).toContain('will not be sent as Northgate Hospitals Trust');
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Switch to Referring clinician at Northgate Hospitals Trust?'));
    expect(switched).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Switch role and keep it for Park Lane Surgery' }));
    await waitFor(() => expect(switched).toEqual([{ businessFunction: 'REFERRING_CLINICIAN', ods: 'R68' }]));
    await waitFor(() => expect(screen.queryByTestId('role-switch-warning')).toBeNull());
    // The trust's draft for this patient is a new one: nothing of the practice's shortlist.
    await waitFor(async () => expect(await getDraft(draftId(`${USER_ADAMS}@R68`, HOST, NHS))).toBeDefined());
    expect(document.querySelectorAll('[data-shortlist-id]')).toHaveLength(0);
    expect((await getDraft(practiceDraft))?.shortlist).toHaveLength(1);
  });

  it('"stay" changes nothing', async () => {
    const { switched, practiceDraft } = await withShortlist();
    chooseRole('R68');
    fireEvent.click(await screen.findByRole('button', { name: 'Stay as Referring clinician at Park Lane Surgery' }));
    await waitFor(() => expect(screen.queryByTestId('role-switch-warning')).toBeNull());
    expect(switched).toEqual([]);
    expect(screen.getByTestId('signed-in-as').textContent).toContain('Park Lane Surgery');
    expect((await getDraft(practiceDraft))?.shortlist).toHaveLength(1);
  });

  it('"start again" deletes the draft, then switches', async () => {
    const { switched, practiceDraft } = await withShortlist();
    chooseRole('R68');
    fireEvent.click(await screen.findByRole('button', { name: 'Delete this draft and start again as Referring clinician' }));
    await waitFor(() => expect(switched).toHaveLength(1));
    await waitFor(async () => expect(await getDraft(practiceDraft)).toBeUndefined());
    await waitFor(async () => expect(await getDraft(draftId(`${USER_ADAMS}@R68`, HOST, NHS))).toBeDefined());
  });

  it('switches at once when no draft is open', async () => {
    const fake = fakeApi({ session: { ...PRACTICE, roles: [PRACTICE, TRUST] } });
    const switched: unknown[] = [];
    fake.api.selectRole = async (role) => void switched.push(role);
    render(<App api={fake.api} />);
    await screen.findByTestId('signed-in-as');
    chooseRole('R68');
    await waitFor(() => expect(switched).toHaveLength(1));
    expect(screen.queryByTestId('role-switch-warning')).toBeNull();
  });
});
