// Thin wiring only: every listener is registered synchronously here, at worker start.
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { registerPatientContext } from '../utils/patient/background';
import { proofKey } from '../utils/session/proof-key';
import { registerReferrals } from '../utils/referral/background';
import { startSession } from '../utils/session/background';
import { router } from '../utils/messages';

export default defineBackground(() => {
  startSession(); // issue 5: session manager, settings, idle sign-out, session/* and settings/* handlers
  registerPatientContext(); // issue 4: patient context from the host page (answers its own two messages)
  registerReferrals(); // issue 6: reference data, search, at-most-once submission, letters outstanding
  // The relay binds refresh tokens to this installation's key: make it now rather than at first sign-in.
  browser.runtime.onInstalled.addListener(() => {
    void proofKey().catch(() => undefined);
  });
  // Feature handlers register with `registerHandler(type, handler)` before this line.
  router.listen();
});
