// A042 (R4): download an attachment. e-RS answers 307 to a short-lived object-store address, which
// serves the bytes with their type and file name. The one-time address expires after a minute.

import { randomUUID } from 'node:crypto';
import { ErsError } from './errors';
import type { OpContext } from './rules';
import type { Binary } from './state';

const TOKEN_LIFETIME_MS = 60_000;

function related(b: Binary, ctx: OpContext): boolean {
  if (b.uploadedByOrg === ctx.ods) return true;
  const ubrn = b.linkedUbrn;
  if (!ubrn) return false;
  const advice = ctx.state.advice.get(ubrn);
  if (advice) return advice.createdBy.ods === ctx.ods || advice.service.providerOds === ctx.ods;
  return ctx.state.referrals.get(ubrn)?.createdBy.ods === ctx.ods;
}

/** A042 for a file that is not a referral's attachment: a one-time object-store key, or the R4 error e-RS would give. */
export function issueOtherObjectKey(id: string, ctx: OpContext): string {
  const b = ctx.state.binaries.get(id);
  if (!b) throw new ErsError(404, 'REC_NOT_FOUND', `Binary ${id} not found.`);
  if (!related(b, ctx)) throw new ErsError(403, 'NO_RELATIONSHIP', `No relationship between ${ctx.ods} and Binary ${id}.`);
  if (b.bytes.includes('EICAR-STANDARD-ANTIVIRUS-TEST-FILE')) throw new ErsError(422, 'THREATS_FOUND', `Binary ${id} is quarantined.`);
  const token = randomUUID();
  ctx.state.objectStore.set(token, { binaryId: id, expiresAt: ctx.now.getTime() + TOKEN_LIFETIME_MS });
  return token;
}
