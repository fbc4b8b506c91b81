import { registerPatientContext } from '@/utils/background/patient-context';

export default defineBackground(() => {
  // The session manager and message router arrive with issue 5.
  registerPatientContext(); // issue 4: patient context from the host page
});
