// What the simulator holds, as tests assert it: a patient's referrals with their linked letters.
import type { RunningSimulator } from 'ers-simulator';

export function referralsWithLetters(sim: RunningSimulator, nhsNumber: string) {
  return sim
    .referrals()
    .filter((r) => r.patientNhsNumber === nhsNumber)
    .map((r) => ({
      ...r,
      letters: sim
        .binaries()
        .filter((b) => b.linkedUbrn === r.ubrn)
        .map((b) => b.fileName),
    }));
}
