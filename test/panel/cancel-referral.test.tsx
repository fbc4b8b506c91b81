// @vitest-environment happy-dom
// Cancelling a referral from the Referrals view: nothing is sent without a reason or without the
// comment the reason requires, and when the answer is lost nothing is sent again until the referral
// has been read back from e-RS.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReferralSummary } from '../../utils/ers/parse';

const sent: { type: string; payload: unknown }[] = [];
let cancelAnswer: unknown;

vi.mock('../../utils/messaging/client', () => ({
  sendMessage: async (type: string, payload: unknown) => {
    sent.push({ type, payload });
    if (type === 'tracking/cancel-reasons')
      return {
        reasons: [
          {
            system: 'https://sim/CodeSystem/REFERRAL-CANCELLATION-REASON',
            code: 'NO_LONGER_REQUIRED',
            display: 'No longer required',
            commentIsMandatory: false,
            canCancelAppointment: true,
          },
          {
            system: 'https://sim/CodeSystem/REFERRAL-CANCELLATION-REASON',
            code: 'OTHER',
            display: 'Other',
            commentIsMandatory: true,
            canCancelAppointment: true,
          },
        ],
      };
    if (type === 'tracking/cancel') return cancelAnswer;
    throw new Error(`unexpected ${type}`);
  },
}));

const { CancelReferral } = await import('../../entrypoints/sidepanel/components/CancelReferral');

const REFERRAL: ReferralSummary = {
  ubrn: '000000070002',
  version: '3',
  etag: 'W/"3"',
  nhsNumber: '9434765919',
  state: 'REJECTED',
  status: 'active',
  shortlist: [],
  attachments: [],
};
const cancels = () => sent.filter((s) => s.type === 'tracking/cancel');

beforeEach(() => {
  sent.length = 0;
});
afterEach(() => cleanup());

async function openForm(recheck = vi.fn(async () => REFERRAL as ReferralSummary | undefined), onCancelled = vi.fn()) {
  render(<CancelReferral referral={REFERRAL} signedIn onCancelled={onCancelled} recheck={recheck} />);
  fireEvent.click(screen.getByTestId('cancel-start'));
  await screen.findByLabelText('Other');
  return { recheck, onCancelled };
}

describe('cancel a referral', () => {
  it('sends nothing without a reason, nor without the comment the reason requires', async () => {
    await openForm();
    fireEvent.click(screen.getByTestId('cancel-confirm'));
    expect((await screen.findByTestId('cancel-problem')).textContent).toContain('Choose why');
    fireEvent.click(screen.getByLabelText('Other'));
    fireEvent.click(screen.getByTestId('cancel-confirm'));
    await waitFor(() => expect(screen.getByTestId('cancel-problem').textContent).toContain('A comment is required'));
    expect(cancels()).toHaveLength(0);

    cancelAnswer = { outcome: 'cancelled', referral: { ...REFERRAL, state: 'CANCELLED_REFERRAL' } };
    fireEvent.input(screen.getByRole('textbox'), { target: { value: 'Seen privately.' } });
    fireEvent.click(screen.getByTestId('cancel-confirm'));
    await waitFor(() => expect(cancels()).toHaveLength(1));
    expect(cancels()[0]!.payload).toEqual({ ubrn: REFERRAL.ubrn, etag: 'W/"3"', reason: 'OTHER', comment: 'Seen privately.' });
  });

  it('after a lost answer offers only to read the referral back; sends again only once e-RS shows it was not cancelled', async () => {
    const { recheck } = await openForm();
    cancelAnswer = { outcome: 'unknown', message: 'e-RS did not confirm the cancellation and could not be read.' };
    fireEvent.click(screen.getByLabelText('No longer required'));
    fireEvent.click(screen.getByTestId('cancel-confirm'));
    await screen.findByTestId('cancel-recheck');
    expect(screen.queryByTestId('cancel-confirm')).toBeNull();
    expect(screen.queryByTestId('cancel-start')).toBeNull();
    expect(cancels()).toHaveLength(1);

    // Read back: still not cancelled, so the user may start again (a new, deliberate cancel).
    fireEvent.click(screen.getByTestId('cancel-recheck'));
    await screen.findByTestId('cancel-start');
    expect(recheck).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('cancel-problem').textContent).toContain('not cancelled');
    expect(cancels()).toHaveLength(1);
  });

  it('a lost answer that e-RS shows was cancelled after all is reported as cancelled, never sent again', async () => {
    const cancelled = { ...REFERRAL, state: 'CANCELLED_REFERRAL' };
    const { onCancelled } = await openForm(vi.fn(async () => cancelled as ReferralSummary | undefined));
    cancelAnswer = { outcome: 'unknown', message: 'lost' };
    fireEvent.click(screen.getByLabelText('No longer required'));
    fireEvent.click(screen.getByTestId('cancel-confirm'));
    fireEvent.click(await screen.findByTestId('cancel-recheck'));
    await waitFor(() => expect(onCancelled).toHaveBeenCalledWith(cancelled));
    expect(cancels()).toHaveLength(1);
  });
});
