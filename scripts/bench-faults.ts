// Safety figures for the fault matrix (scripts/lib/fault-matrix.ts): every fault kind at every step
// of every submission route, really run against the simulator. Prints JSON lines: the number of
// cases, duplicate referrals (must be 0) and lost letters (must be 0), counted from the simulator's
// state after each case.
import 'fake-indexeddb/auto';
import { startSimulator } from 'ers-simulator';
import type { BenchLine } from './bench-content';
import { runFaultMatrix } from './lib/fault-matrix';

export async function benchFaults(): Promise<BenchLine[]> {
  const sim = await startSimulator({ port: 0, seed: 1 });
  try {
    const summary = await runFaultMatrix(sim);
    return [
      { name: 'faults_matrix_cases', value: summary.cases.length, unit: 'cases' },
      { name: 'faults_duplicate_referrals', value: summary.duplicateReferrals, unit: 'referrals' },
      { name: 'faults_lost_letters', value: summary.lostLetters, unit: 'letters' },
      { name: 'faults_unresolved_without_user', value: summary.unresolved, unit: 'cases' },
    ];
  } finally {
    await sim.close();
  }
}
