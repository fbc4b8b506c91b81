// @vitest-environment happy-dom
// Record data in the A&G question: the problems, medication and allergies a host reader found for this
// patient are shown with where they came from, and go into the question only when the clinician adds
// them; a page read by the generic reader (identity only) offers nothing.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { useLayoutEffect, useMemo } from 'preact/hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdvicePanelApi } from '../../entrypoints/sidepanel/advice-store';
import { AdviceBody } from '../../entrypoints/sidepanel/screens/Advice';
import { createPanelStore } from '../../entrypoints/sidepanel/store';
import type { AdviceRecord } from '../../utils/advice/model';
import { resetAdviceDbConnection } from '../../utils/advice/store';
import type { PatientContextReport } from '../../utils/patient/types';
import type { PanelApi } from '../../utils/referral/panel-api';
import { resetDbConnection } from '../../utils/referral/store';
import { fakeApi, OWNER, report, notUsed } from './fake-api';

const NHS = '9434765919';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbConnection();
  resetAdviceDbConnection();
});
afterEach(() => cleanup());

const saved: AdviceRecord[] = [];
const advice: AdvicePanelApi = {
  list: async () => ({ records: [], replies: 0 }),
  search: async () => ({ criteria: undefined as never, services: [] }),
  remember: async () => undefined,
  save: async (r) => {
    saved.push(r);
    return { ...r, owner: OWNER };
  },
  send: notUsed,
  resolve: notUsed,
  conversation: notUsed,
  attachment: notUsed,
  pdf: notUsed,
};

function Harness({ api }: { api: PanelApi }) {
  const store = useMemo(() => createPanelStore(api), [api]);
  useLayoutEffect(() => store.actions.connect(), [store]);
  return store.draft.value ? <AdviceBody store={store} api={advice} /> : null;
}

function withLists(r: PatientContextReport, adapterId = 'demo-gp'): PatientContextReport {
  return {
    ...r,
    source: { ...r.source, adapterId },
    patient: { ...r.patient!, problems: ['Hypertension', 'Palpitations'], medications: ['Ramipril 5 mg once daily'], allergies: ['Penicillin'] },
  };
}

describe('record data in the question', () => {
  it("shows this patient's record lists with their source and adds them to the question only when asked", async () => {
    render(<Harness api={fakeApi({ report: withLists(report(NHS, 'JONES')) }).api} />);
    const offered = await screen.findByTestId('advice-record');
    expect(offered.textContent).toContain('read by the demo-gp reader');
    const question = screen.getByLabelText('Your question for the specialist') as HTMLTextAreaElement;
    fireEvent.input(question, { target: { value: 'Is an echo needed?' } });
    expect(question.value).toBe('Is an echo needed?');
    fireEvent.click(screen.getByTestId('advice-insert-record'));
    await waitFor(() =>
      expect(question.value).toBe('Is an echo needed?\n\nProblems: Hypertension; Palpitations\nMedication: Ramipril 5 mg once daily\nAllergies: Penicillin'),
    );
    await waitFor(() => expect(saved.at(-1)?.request).toContain('Allergies: Penicillin'));
  });

  it('offers nothing from a page the generic reader read (it proves the identity only)', async () => {
    render(<Harness api={fakeApi({ report: withLists(report(NHS, 'JONES'), 'generic') }).api} />);
    await screen.findByTestId('advice-compose');
    expect(screen.queryByTestId('advice-record')).toBeNull();
  });
});
