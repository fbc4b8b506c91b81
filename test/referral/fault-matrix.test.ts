// The fault matrix at the state-machine level against the real simulator: a gateway 502/504 after
// processing, a proxy's HTML 200 after processing, a dropped answer and a stopped worker, at every
// step of every submission route. Every case must end with exactly one referral in e-RS, our letter
// linked to it, the patient letter produced and no user action needed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from 'ers-simulator';
import { FAULT_KINDS, MATRIX_ROUTES, runFaultMatrix, type MatrixSummary } from '../../scripts/lib/fault-matrix';

let sim: RunningSimulator;
let summary: MatrixSummary;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 1 });
  summary = await runFaultMatrix(sim);
}, 120_000);
afterAll(async () => {
  await sim.close();
});

describe('fault matrix', () => {
  it('covers every fault kind at every step of every route', () => {
    // platform RAS: 5 steps; platform bookable and legacy A021: 4 steps each.
    expect(summary.cases).toHaveLength(FAULT_KINDS.length * (5 + 4 + 4));
    expect(new Set(summary.cases.map((c) => c.step))).toEqual(new Set(['create', 'triage', 'upload', 'attach', 'patient-letter']));
    expect(MATRIX_ROUTES).toHaveLength(3);
  });

  it('exactly one referral, with our letter, triaged when it should be, and the patient letter, every time', () => {
    const bad = summary.cases.filter((c) => c.referrals !== 1 || !c.letterLinked || !c.triaged || c.phase !== 'complete' || !c.patientLetter || !c.ubrnMatches);
    expect(bad).toEqual([]);
    expect(summary).toMatchObject({ duplicateReferrals: 0, lostLetters: 0, unresolved: 0 });
  });
});
