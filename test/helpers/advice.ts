// A&G requests as tests hold them: a record for Mrs JONES with only what a test sets changed, and
// one really sent to the simulator (A044 after an A&G service search) as the send machine leaves it.
import type { AdviceRecord } from '../../utils/advice/model';
import type { ErsClient } from '../../utils/ers';
import { type ConversionAuthorisation, createAdvice } from '../../utils/ers/advice';

export const ADVICE_NHS = '9434765919';

/** An A&G request being written for Mrs JONES, with `extra` over it. */
export function adviceRecord(extra: Partial<AdviceRecord> = {}): AdviceRecord {
  return {
    id: 'a',
    owner: 'u@o',
    patient: { nhsNumber: ADVICE_NHS, displayName: 'JONES, Sarah' },
    request: 'q',
    files: [],
    phase: 'editing',
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  };
}

/** Sends a request to the first cardiology A&G service e-RS finds, and returns it as sent and seen. */
export async function sentAdvice(
  client: ErsClient,
  sent: { id: string; owner: string; request: string; conversion: ConversionAuthorisation; at: number },
): Promise<AdviceRecord> {
  const found = await client.searchServices({
    nhsNumber: ADVICE_NHS,
    requestType: 'ADVICE_AND_GUIDANCE_REQUEST',
    criteria: { priority: 'ROUTINE', specialty: 'CARDIOLOGY', ageAndGenderAppropriate: true },
  });
  const created = await createAdvice(
    client,
    { nhsNumber: ADVICE_NHS, conversion: sent.conversion, criteria: found.criteria, serviceIds: [found.services[0].id], request: sent.request },
    {},
  );
  return adviceRecord({
    id: sent.id,
    owner: sent.owner,
    request: sent.request,
    phase: 'sent',
    ubrn: created.ubrn,
    tracking: { status: created.status, version: created.version, seenVersion: created.version },
    createdAt: sent.at,
    updatedAt: sent.at,
  });
}
