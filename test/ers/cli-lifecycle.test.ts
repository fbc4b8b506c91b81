// The CLI's lifecycle commands against a real simulator: worklist, status, actions, cancel (with the
// reasons listed when none is given) and clinical-info, signed in through the mock CIS2 as a test user.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type RunningSimulator } from 'ers-simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/ers';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 3 });
});
afterAll(() => sim.close());

async function cli(...argv: string[]): Promise<{ code: number; out: unknown; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  const code = await main([...argv, '--base-url', sim.url, '--sim-user', 'adams', '--business-function', 'REFERRING_CLINICIAN', '--ods', 'B86001']);
  vi.restoreAllMocks();
  return { code, out: out ? JSON.parse(out) : undefined, err };
}

describe('CLI lifecycle commands', () => {
  it('lists, reads, shows actions, saves the summary and cancels with a reason', async () => {
    const created = await cli('create', '--nhs-number', '9434765919', '--priority', 'URGENT', '--specialty', 'CARDIOLOGY');
    expect(created.code, created.err).toBe(0);
    const ubrn = (created.out as { ubrn: string }).ubrn;

    const list = await cli('worklist', 'LETTERS_OUTSTANDING');
    expect((list.out as { ubrn: string }[]).map((i) => i.ubrn)).toContain(ubrn);
    expect((await cli('worklist', 'NOPE')).code).toBe(2);

    expect((await cli('status', ubrn)).out).toMatchObject({ ubrn, state: 'NOT_BOOKED' });
    expect((await cli('actions', ubrn)).out).toMatchObject({ ubrn, actions: ['CREATE_APPOINTMENT', 'CHANGE_SHORTLIST', 'CANCEL_REFERRAL'] });

    const dir = mkdtempSync(path.join(tmpdir(), 'ers-cli-'));
    const summary = await cli('clinical-info', ubrn, '--out', dir);
    expect(
      readFileSync((summary.out as { file: string }).file)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    const noReason = await cli('cancel', ubrn);
    expect(noReason.code).toBe(2);
    expect(noReason.err).toContain('PATIENT_REQUEST_CANCELLATION_OTHER (comment required)');
    const cancelled = await cli('cancel', ubrn, '--reason', 'RAISED_IN_ERROR', '--comment', 'Wrong patient selected.');
    expect(cancelled.out).toMatchObject({ ubrn, state: 'CANCELLED_REFERRAL', stateComment: 'Wrong patient selected.' });
  });
});
