// @vitest-environment happy-dom
// The done screen's booking part (entrypoints/sidepanel/screens/Booking.tsx) with a fake booking API:
// slots by day with the named clinician, one click books, no slots → defer with the reason filled
// in, an unknown answer hides every slot until e-RS is checked, and the manage step (cancel needs a
// comment when the reason says so).
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BookingView, SlotsView } from '../../utils/booking/messages';
import type { Draft } from '../../utils/referral/model';
import type { BookingApi } from '../../entrypoints/sidepanel/booking-api';
import type { SearchResult } from '../../utils/ers/index';
import { Booking } from '../../entrypoints/sidepanel/screens/Booking';

afterEach(cleanup);

const draft = { id: 'd1', shortlist: [{ id: '14000', name: 'Cardiology clinic', location: { name: 'Leeds General' } }] } as unknown as Draft;
const T = { draftId: 'd1' };
const step = { kind: 'book', serviceId: '14000', serviceName: 'Cardiology clinic' } as const;
const slot = (id: string, start: string, clinician?: string) => ({ id, reference: `Slot/${id}`, start, end: start, ...(clinician ? { clinician } : {}) });
const SLOTS: SlotsView = {
  serviceId: '14000',
  days: [
    { day: '2026-12-02', slots: [slot('1', '2026-12-02T09:00:00Z', '921600556514'), slot('2', '2026-12-02T10:30:00Z')] },
    { day: '2026-12-03', slots: [slot('3', '2026-12-03T09:00:00Z')] },
  ],
  nextPage: 2,
};
const booked: BookingView = {
  step,
  record: {
    ubrn: '000000070000',
    owner: 'o',
    nhsNumber: '9434765919',
    phase: 'booked',
    updatedAt: 1,
    appointment: { id: 'a1', status: 'booked', start: '2026-12-02T09:00:00Z', end: '2026-12-02T09:30:00Z', clinician: '921600556514' },
  },
};

function fake(overrides: Partial<BookingApi> = {}): BookingApi {
  return {
    view: vi.fn(async () => ({ step })),
    slots: vi.fn(async () => SLOTS),
    book: vi.fn(async () => booked),
    defer: vi.fn(async () => ({ step })),
    cancelReasons: vi.fn(async () => [
      { code: 'PATIENT_ILL', display: 'Patient ill', commentIsMandatory: false },
      { code: 'PATIENT_OTHER_ENGAGEMENT', display: 'Other engagement', commentIsMandatory: true },
    ]),
    cancel: vi.fn(async () => ({ step, record: { ...booked.record!, phase: 'cancelled' as const } })),
    letter: vi.fn(async () => undefined),
    search: vi.fn(async () => ({ criteria: {} as SearchResult['criteria'], services: [] })),
    changeShortlist: vi.fn(async () => ({ changed: true as const })),
    ...overrides,
  };
}

describe('booking on the done screen', () => {
  it('lists slots by day with the named clinician, books one in one click and offers no slot afterwards', async () => {
    const api = fake();
    render(<Booking target={T} shortlist={draft.shortlist} usual={<p>usual words</p>} api={api} />);
    await screen.findByText(/Wednesday,? 2 December 2026/);
    expect(screen.getByText(/Thursday,? 3 December 2026/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Book 09:00 with named clinician (SDS 921600556514)' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Book 10:30/ }));
    await screen.findByTestId('appointment');
    expect(api.book).toHaveBeenCalledWith(T, '2');
    expect(screen.queryAllByRole('button', { name: /^Book / })).toEqual([]);
    expect(screen.getByText(/Cardiology clinic, Leeds General/)).toBeTruthy();
  });

  it('no slots: one click defers with NO_SLOTS_AT_SERVICE', async () => {
    const api = fake({ slots: vi.fn(async () => ({ serviceId: '14000', days: [] })) });
    render(<Booking target={T} shortlist={draft.shortlist} usual={null} api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Defer booking to the provider' }));
    await waitFor(() => expect(api.defer).toHaveBeenCalledWith(T, 'NO_SLOTS_AT_SERVICE', undefined));
  });

  it('an answer that never came: no slot is offered until e-RS has been checked', async () => {
    const api = fake({ book: vi.fn(async () => Promise.reject(new Error('The message port closed before a response was received.'))) });
    render(<Booking target={T} shortlist={draft.shortlist} usual={null} api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: /^Book 10:30/ }));
    await screen.findByTestId('check-booking');
    expect(screen.getByTestId('booking-error').textContent).toMatch(/not known whether e-RS received the request/);
    expect(screen.getByTestId('booking-error').textContent).not.toMatch(/message port/);
    expect(screen.queryAllByRole('button', { name: /^Book / })).toEqual([]);
    (api.view as ReturnType<typeof vi.fn>).mockResolvedValueOnce(booked);
    fireEvent.click(screen.getByTestId('check-booking'));
    await screen.findByTestId('appointment');
  });

  it('cancelling needs a comment when the reason says so, then offers slots again', async () => {
    const api = fake({ view: vi.fn(async () => booked) });
    render(<Booking target={T} shortlist={draft.shortlist} usual={null} api={api} />);
    fireEvent.click(await screen.findByTestId('start-cancel'));
    fireEvent.click(await screen.findByLabelText('Other engagement'));
    const confirm = screen.getByTestId('confirm-cancel') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.input(screen.getByLabelText(/Comment/), { target: { value: 'Away that week' } });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    await screen.findByTestId('cancelled');
    expect(api.cancel).toHaveBeenCalledWith(T, 'PATIENT_OTHER_ENGAGEMENT', 'Away that week');
    await screen.findByText(/Wednesday,? 2 December 2026/);
  });
});
