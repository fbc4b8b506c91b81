// Session faults for the submission fault matrix: "sign-out" and "screen lock" at a given step.
// Wraps a SubmissionApi (e.g. an ErsClient against the simulator) so that the chosen step's request
// reaches e-RS and is processed, and then the user's session ends before the next request, exactly
// as in the extension: the answer in flight is still used; every later call is refused as the
// background's credentials() refuses it; and the drafts are treated as the background treats them at
// sign-out or pause (`endSessionWork`). `signInAgain()` then does what the background does when the
// same user is back: clears the interruption and drives the draft on with the real client.
import { ProtocolError } from '../../utils/messaging/kit';
import { clearInterruption, endSessionWork } from '../../utils/referral/store';
import { advance, type SubmissionApi, type SubmitContext } from '../../utils/referral/submit';
import type { Draft } from '../../utils/referral/model';

export type SessionFault = 'sign-out' | 'screen-lock';
export type SubmitStep = 'create' | 'triage' | 'upload' | 'attach' | 'patient-letter';

/** Which SubmissionApi methods carry each step's request to e-RS. */
const STEP_METHODS: Record<SubmitStep, (keyof SubmissionApi)[]> = {
  create: ['createReferral', 'createReferralAndSendForTriage'],
  triage: ['sendForTriage'],
  upload: ['uploadFile'],
  attach: ['maintainReferralLetter'],
  'patient-letter': ['generatePatientLetter'],
};

export interface SessionFaultInjection {
  /** The api to give SubmitContext: the session ends right after the step's request is processed. */
  api: SubmissionApi;
  /** Whether the step was reached and the session ended. */
  fired(): boolean;
  /** The same user signs in again: the interrupted draft is carried on with the real api. */
  signInAgain(ctx: Omit<SubmitContext, 'api'>, draftId: string): Promise<Draft>;
}

/**
 * `injectSessionFault(client, { fault: 'screen-lock', atStep: 'upload', owner })`: run `advance()`
 * with `.api`, then `signInAgain()`, then check e-RS has exactly one referral with its letter.
 */
export function injectSessionFault(real: SubmissionApi, options: { fault: SessionFault; atStep: SubmitStep; owner: string }): SessionFaultInjection {
  let ended = false;
  const refuse = () =>
    options.fault === 'sign-out'
      ? new ProtocolError('not-signed-in', 'Sign in to e-RS and choose a role first.')
      : new ProtocolError('session-expired', 'Your e-RS session has expired. Sign in again; nothing has been lost.');
  const wrapped = new Proxy(real, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (ended) throw refuse();
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (STEP_METHODS[options.atStep].includes(prop as keyof SubmissionApi)) {
          ended = true;
          await endSessionWork(options.owner, options.fault === 'sign-out' ? 'sign-out' : 'pause');
        }
        return result;
      };
    },
  });
  return {
    api: wrapped,
    fired: () => ended,
    async signInAgain(ctx, draftId) {
      await clearInterruption(draftId);
      return advance({ ...ctx, api: real }, draftId);
    },
  };
}
