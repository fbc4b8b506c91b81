// @vitest-environment happy-dom
// The advice screen's rules, rendered with Preact on happy-dom over a fake background: the role rule
// before Send, the 8,000-character limit, one Send however often it is pressed, and a send whose
// outcome is unknown resolved by reading back, never sent again from the panel.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { useLayoutEffect, useMemo } from 'preact/hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdvicePanelApi } from '../../entrypoints/sidepanel/advice-store';
import { AdviceBody } from '../../entrypoints/sidepanel/screens/Advice';
import { createPanelStore } from '../../entrypoints/sidepanel/store';
import { resetAdviceDbConnection } from '../../utils/advice/store';
import type { AdviceRecord } from '../../utils/advice/model';
import { buildSearchCriteria } from '../../utils/ers';
import type { PanelApi, PanelSession } from '../../utils/referral/panel-api';
import { resetDbConnection } from '../../utils/referral/store';
import { fakeApi, OWNER, report, service, notUsed } from './fake-api';

const NHS = '9434765919';
const ADMIN_ROLE = { businessFunction: 'REFERRING_CLINICIAN_ADMIN', ods: 'B86001' };

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
  resetAdviceDbConnection();
});
afterEach(() => cleanup());

function fakeAdvice(sendAs: (r: AdviceRecord) => AdviceRecord = (r) => ({ ...r, phase: 'sent', ubrn: '000000012345' })) {
  const records = new Map<string, AdviceRecord>();
  const calls = { send: [] as AdviceRecord[], resolve: [] as { id: string; confirmed?: boolean }[] };
  const api: AdvicePanelApi = {
    list: async () => ({ records: [...records.values()], replies: 0 }),
    search: async (input) => ({
      criteria: buildSearchCriteria(input.criteria, { specialtySystem: input.specialtySystem! }),
      services: [service('11010', { name: 'Cardiology advice', flowTypes: ['ADVICE_AND_GUIDANCE_REQUEST'] })],
    }),
    remember: async () => undefined,
    save: async (r) => {
      const saved = { ...r, owner: OWNER };
      records.set(r.id, saved);
      return saved;
    },
    send: async (id) => {
      const stored = records.get(id)!;
      calls.send.push(stored);
      const next = sendAs(stored);
      records.set(id, next);
      return next;
    },
    resolve: async (id, confirmed) => {
      calls.resolve.push({ id, confirmed });
      return { kind: 'check-web-app', record: records.get(id)!, message: 'Check your Advice and Guidance requests in the e-RS web application.' };
    },
    conversation: notUsed,
    attachment: notUsed,
    pdf: notUsed,
  };
  return { api, calls, records };
}

function Harness({ api, advice }: { api: PanelApi; advice: AdvicePanelApi }) {
  const store = useMemo(() => createPanelStore(api), [api]);
  useLayoutEffect(() => store.actions.connect(), [store]);
  return store.draft.value ? <AdviceBody store={store} api={advice} /> : null;
}

/** Open the screen for the patient, choose the service, write the question and the conversion choice. */
async function compose(advice: AdvicePanelApi, session: Partial<PanelSession> = {}, question = 'Is an echo needed?') {
  const panel = fakeApi({ report: report(NHS, 'JONES'), session });
  render(<Harness api={panel.api} advice={advice} />);
  await screen.findByTestId('advice-compose');
  // The remembered specialty (Cardiology) searches at once.
  fireEvent.click(await screen.findByLabelText(/Cardiology advice/));
  fireEvent.input(screen.getByLabelText('Your question for the specialist'), { target: { value: question } });
  fireEvent.click(screen.getByLabelText('No, advice only'));
  return panel;
}

describe('asking for advice', () => {
  it('as a referring clinician admin, nothing is sent until the referring clinician is named', async () => {
    const advice = fakeAdvice();
    await compose(advice.api, { businessFunction: ADMIN_ROLE.businessFunction, roles: [ADMIN_ROLE] });
    fireEvent.click(screen.getByTestId('advice-send'));
    await waitFor(() => expect(screen.getByTestId('advice-problems').textContent).toContain('name the referring clinician'));
    expect(advice.calls.send).toHaveLength(0);
    fireEvent.change(screen.getByLabelText(/Referring clinician/), { target: { value: '021600556514' } });
    fireEvent.click(screen.getByTestId('advice-send'));
    await screen.findByTestId('advice-sent');
    expect(advice.calls.send.map((r) => r.referringClinician)).toEqual(['021600556514']);
  });

  it('counts the question and refuses more than 8,000 characters', async () => {
    const advice = fakeAdvice();
    await compose(advice.api, {}, 'x'.repeat(8001));
    expect(screen.getByTestId('advice-counter').textContent).toBe('8,001 of 8,000 characters');
    fireEvent.click(screen.getByTestId('advice-send'));
    await waitFor(() => expect(screen.getByTestId('advice-problems').textContent).toContain('Shorten the question to 8,000 characters'));
    expect(advice.calls.send).toHaveLength(0);
  });

  it('Send is disabled at once when pressed, and sends once with the service, the question and the choice', async () => {
    const advice = fakeAdvice();
    await compose(advice.api);
    const send = screen.getByTestId('advice-send') as HTMLButtonElement;
    fireEvent.click(send);
    expect(send.disabled).toBe(true);
    fireEvent.click(send);
    await screen.findByTestId('advice-sent');
    expect(advice.calls.send).toHaveLength(1);
    expect(advice.calls.send[0]).toMatchObject({ service: { id: '11010' }, request: 'Is an echo needed?', conversion: 'NOT_AUTHORISED_TO_CONVERT' });
  });

  it('an unknown outcome offers no Send: the panel reads back, and sends again only after the user checked e-RS', async () => {
    const advice = fakeAdvice((r) => ({ ...r, phase: 'outcome-unknown', error: { step: 'A044', kind: 'outcome-unknown', message: 'No answer from e-RS.' } }));
    await compose(advice.api);
    fireEvent.click(screen.getByTestId('advice-send'));
    await screen.findByTestId('advice-outcome-unknown');
    expect(screen.queryByTestId('advice-send')).toBeNull();
    expect(screen.queryByText(/it is not there, let me send it again/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await screen.findByText(/it is not there, let me send it again/);
    expect(advice.calls.resolve).toEqual([{ id: advice.calls.send[0].id, confirmed: false }]);
    expect(advice.calls.send).toHaveLength(1);
  });
});
