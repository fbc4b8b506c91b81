// One simulator for a whole test file, started once and put back to its seeded state with no faults
// before each test, so a test never sees what an earlier one sent or injected.
import { startSimulator, type RunningSimulator } from 'ers-simulator';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** Registers the simulator's start, reset and close in the calling file; call the result for it. `log` gets a line per request answered. */
export function simulatorForFile(seed: number, log?: (line: string) => void): () => RunningSimulator {
  let sim: RunningSimulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed, log });
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(() => {
    sim?.reset();
    sim?.clearFaults();
  });
  return () => {
    if (!sim) throw new Error('The simulator is only running inside this file’s tests.');
    return sim;
  };
}
