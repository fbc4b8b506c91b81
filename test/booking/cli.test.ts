// `npm run ers -- refer --book earliest` and the booking commands, against the real simulator.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type RunningSimulator } from 'ers-simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/ers';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 1 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function cli(...argv: string[]): Promise<{ code: number; out: any; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    const code = await main([...argv, '--base-url', sim.url, '--sim-user', 'adams']);
    return { code, out: out ? JSON.parse(out) : undefined, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const REFER = ['refer', '--nhs-number', '9434765919', '--specialty', 'CARDIOLOGY', '--book', 'earliest'];

describe('refer --book earliest', () => {
  it('books the earliest slot, with only the calls the flow needs, and saves the confirmation letter', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'ers-cli-'));
    const { code, out: result } = await cli(...REFER, '--out', out);
    expect(code).toBe(0);
    expect(result.steps).toEqual(['A010', 'A011', 'A020', 'A012', 'A015', 'A016', 'A019']);
    expect([result.state, result.booking.phase]).toEqual(['BOOKED', 'booked']);
    expect(result.patientLetter.file).toMatch(/_Appointment_Confirmation_Summary_/);
    const appointment = await cli('appointment', '--ubrn', result.ubrn);
    expect(appointment.out.appointment).toMatchObject({ status: 'booked', start: result.booking.appointment.start });
  });

  it('defers to the provider when the service has no slots, with the expect-contact-by date', async () => {
    const first = await cli('search', '--nhs-number', '9434765919', '--specialty', 'CARDIOLOGY');
    const dbs = first.out.find((s: { isTriage: boolean }) => !s.isTriage).id;
    await fetch(`${sim.url}/_admin/slots`, { method: 'POST', body: JSON.stringify({ serviceId: dbs, profile: 'none' }) });
    const { out: result } = await cli(...REFER, '--out', mkdtempSync(path.join(tmpdir(), 'ers-cli-')));
    expect([result.state, result.booking.phase, result.booking.appointment.reason]).toEqual(['DEFERRED_TO_PROVIDER', 'deferred', 'NO_SLOTS_AT_SERVICE']);
    expect(result.booking.expectContactBy).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(result.patientLetter.file).toMatch(/_Deferral_Summary_/);
  });

  it('cancel-appointment refuses a reason that needs a comment without one, then cancels', async () => {
    const { out: referred } = await cli(...REFER, '--out', mkdtempSync(path.join(tmpdir(), 'ers-cli-')));
    const refused = await cli('cancel-appointment', '--ubrn', referred.ubrn, '--reason', 'PATIENT_OTHER_ENGAGEMENT');
    expect([refused.code, JSON.parse(refused.err).message]).toEqual([2, 'PATIENT_OTHER_ENGAGEMENT needs --comment']);
    const cancelled = await cli('cancel-appointment', '--ubrn', referred.ubrn, '--reason', 'PATIENT_ILL');
    expect(cancelled.out.phase).toBe('cancelled');
    const slots = await cli('slots', '--ubrn', referred.ubrn, '--page-size', '5');
    expect(slots.out.days[0].slots[0].id).toBe(referred.booking.appointment.slot.replace('Slot/', ''));
  });
});
