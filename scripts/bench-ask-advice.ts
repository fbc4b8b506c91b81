// User actions to ask for Advice and Guidance through the real extension in headless Chromium, counted
// as the routine referral's are (scripts/bench-panel.ts): from the record page (Refer) to the request
// sent, with the specialty remembered from the user's last search (the first request's count, when
// the specialty is chosen too, is printed beside it). Typed patient fields must stay 0.
import type { BenchLine } from './bench-content';
import { askAdviceFromRecord } from './lib/advice-walkthrough';
import { signInOnRecord, startStage } from './lib/stage';

export async function benchAskAdvice(): Promise<BenchLine[]> {
  const stage = await startStage();
  try {
    const { panel, record } = await signInOnRecord(stage);
    await panel.close();
    await record.close();
    const question = 'Raised ALT twice, otherwise well. Which further tests before deciding on referral?';
    const first = await askAdviceFromRecord(stage, {
      record: '/demo/gp/record-9434765919.html',
      nhsNumber: '9434765919',
      question,
      conversion: 'AUTHORISED_TO_CONVERT',
    });
    const second = await askAdviceFromRecord(stage, {
      record: '/demo/gp/record-9000000009.html',
      nhsNumber: '9000000009',
      question,
      conversion: 'NOT_AUTHORISED_TO_CONVERT',
    });
    return [
      { name: 'user_actions_ask_advice_first_time', value: first.actions, unit: 'actions' },
      { name: 'user_actions_ask_advice', value: second.actions, unit: 'actions' },
      { name: 'ask_advice_typed_patient_fields', value: second.typedPatientFields, unit: 'fields' },
    ];
  } finally {
    await stage.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchAskAdvice()) console.log(JSON.stringify(line));
}
