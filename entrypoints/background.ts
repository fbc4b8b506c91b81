// Thin wiring only: each feature registers its handlers and listeners synchronously here, at worker
// start, then the router starts answering.
import { defineBackground } from 'wxt/utils/define-background';
import { router } from '../utils/messages';
import { registerAdvice } from '../utils/advice/background';
import { registerPatientContext } from '../utils/patient/background';
import { registerBooking } from '../utils/booking/background';
import { registerReferrals } from '../utils/referral/background';
import { registerSession } from '../utils/session/background';
import { registerTracking } from '../utils/tracking/background';

export default defineBackground(() => {
  registerSession(); // session manager, settings, idle sign-out, session/* and settings/* handlers
  registerPatientContext(); // patient context from the host page (patient-context, open-panel through the router)
  registerReferrals(); // reference data, search, at-most-once submission, letters outstanding
  registerBooking(); // slots, book and defer at most once, bookings in flight settled by reading back
  registerTracking(); // referrer worklists on sign-in and every N minutes; read and cancel referrals
  registerAdvice(); // Advice and Guidance: at-most-once send, A024 polling, conversation, overview PDF
  router.listen();
});
