// Inputs a user of the client would give for each example request in the contract pack, written out
// as plain data. The builders must turn each into a body deep-equal to the example file.
import type { SearchCriteria } from '../../utils/ers';

/** The specialty code system as the legacy examples spell it, and as the platform ones do (placeholder kept). */
const LEGACY_SPECIALTY = 'https://api.dev3.ers.ncrs.nhs.uk/ers-api/STU3/v1/CodeSystem/SPECIALTY';
export const PLATFORM_SPECIALTY = '_baseUrl_/STU3/CodeSystem/SPECIALTY';

/** The platform examples' cardiology heart-failure criteria, at a priority. */
export const heartFailure = (priority: 'ROUTINE' | 'URGENT'): SearchCriteria => ({
  priority,
  specialty: 'CARDIOLOGY',
  clinicType: 'HEART_FAILURE',
  ageAndGenderAppropriate: false,
});
const URGENT_LIPIDS: SearchCriteria = { priority: 'URGENT', specialty: 'CARDIOLOGY', clinicType: 'LIPID_MANAGEMENT', ageAndGenderAppropriate: true };

/** The legacy examples' search criteria: every criterion the legacy API takes. */
const LEGACY_CRITERIA: SearchCriteria = {
  priority: 'ROUTINE',
  specialty: 'SLEEP_MEDICINE',
  clinicType: 'INSOMNIA',
  namedClinician: '021600556514',
  clinicalTerm: '78275009',
  commissioningProvisioning: 'NATIONALLY_AVAILABLE',
  organisation: 'R68',
  ageAndGenderAppropriate: true,
  distanceLimit: 500,
  postcode: 'LS1 2UT',
  indicativeAppointmentWaitTimeLimit: 21,
};

type SearchCase = {
  file: string;
  search: { requestType: any; sortBy: any; nhsNumber: string; referringClinician?: string; commissioningRuleOrganisation?: string };
  criteria: SearchCriteria;
  specialtySystem: string;
};

/** A platform A010 example: the sandbox patient, an appointment search by distance unless `search` says otherwise. */
function platformSearch(file: string, search: Partial<SearchCase['search']>, criteria: SearchCriteria, specialtySystem = PLATFORM_SPECIALTY): SearchCase {
  return { file, search: { requestType: 'APPOINTMENT_REQUEST', sortBy: 'DISTANCE', nhsNumber: '9912003888', ...search }, criteria, specialtySystem };
}

export const SEARCH_CASES: SearchCase[] = [
  {
    file: 'legacy/A010_request.json',
    search: { requestType: 'APPOINTMENT_REQUEST', sortBy: 'DISTANCE', nhsNumber: '9190000000' },
    criteria: LEGACY_CRITERIA,
    specialtySystem: LEGACY_SPECIALTY,
  },
  platformSearch('platform/A010_request_RcMinimal.json', {}, URGENT_LIPIDS),
  platformSearch(
    'platform/A010_request_RcSearchByClinicalTerm.json',
    { sortBy: 'IWT', referringClinician: '021600556514' },
    {
      priority: 'URGENT',
      indicativeAppointmentWaitTimeLimit: 15,
      postcode: 'BR1 1AB',
      distanceLimit: 23,
      clinicalTerm: '1003',
      organisation: 'R69',
      ageAndGenderAppropriate: true,
    },
    'unused',
  ),
  platformSearch(
    'platform/A010_request_RcSearchByNamedClinician.json',
    {},
    { priority: 'URGENT', namedClinician: '021600556514', ageAndGenderAppropriate: true },
    'unused',
  ),
  platformSearch('platform/A010_request_RcSearchForAdviceService.json', { requestType: 'ADVICE_AND_GUIDANCE_REQUEST' }, URGENT_LIPIDS),
  platformSearch('platform/A010_request_RcSearchWithCommissioningRuleOrganisation.json', { commissioningRuleOrganisation: 'R69' }, URGENT_LIPIDS),
  platformSearch(
    'platform/A010_request_RcaWithIWT.json',
    { referringClinician: '021600556514' },
    { priority: 'URGENT', specialty: 'CARDIOLOGY', clinicType: 'LIPID_MANAGEMENT', indicativeAppointmentWaitTimeLimit: 15, ageAndGenderAppropriate: true },
  ),
];
type CreateCase = {
  file: string;
  op: string;
  input: {
    nhsNumber: string;
    referringClinician?: string;
    letterIntention: any;
    firstReminderLetterFollowUpDays: number;
    eReferralPathwayStart?: string;
    serviceIds: string[];
  };
  criteria: SearchCriteria;
  specialtySystem: string;
};

/** A create example (A011 or A021): a letter to be added later, no reminder, the services given; `input` adds the rest. */
function createCase(
  file: string,
  nhsNumber: string,
  serviceIds: string[],
  input: Partial<CreateCase['input']>,
  criteria: SearchCriteria,
  specialtySystem: string,
): CreateCase {
  const op = /A021_/.test(file) ? 'A021' : 'A011';
  return {
    file,
    op,
    input: { nhsNumber, letterIntention: 'NEED_TO_ADD_LATER', firstReminderLetterFollowUpDays: 0, ...input, serviceIds },
    criteria,
    specialtySystem,
  };
}
/** The platform examples' sandbox patient, and the pathway start most of them carry. */
const SANDBOX_PATIENT = '9912003888';
const PATHWAY_START = { eReferralPathwayStart: '2024-05-01T09:55:00.000Z' };
const NAMED_REFERRER = { referringClinician: '021600556514' };

export const CREATE_CASES: CreateCase[] = [
  createCase('legacy/A011_request.json', '9190000000', ['90636'], {}, LEGACY_CRITERIA, LEGACY_SPECIALTY),
  createCase('legacy/A021_request.json', '9190000000', ['90596'], {}, LEGACY_CRITERIA, LEGACY_SPECIALTY),
  createCase(
    'legacy/A021_request_sample1.json',
    '1000000001',
    ['50110'],
    {},
    { priority: 'ROUTINE', specialty: '2WW', clinicType: '2WW_BONE', commissioningProvisioning: 'ALL_AVAILABLE_FOR_BOOKING', ageAndGenderAppropriate: false },
    LEGACY_SPECIALTY,
  ),
  createCase('platform/A011_request_MinimalRequest.json', SANDBOX_PATIENT, ['11002'], PATHWAY_START, heartFailure('URGENT'), PLATFORM_SPECIALTY),
  createCase(
    'platform/A011_request_MinimalRequestWithReferringClinician.json',
    SANDBOX_PATIENT,
    ['11002'],
    { ...NAMED_REFERRER, ...PATHWAY_START },
    heartFailure('URGENT'),
    PLATFORM_SPECIALTY,
  ),
  createCase('platform/A011_request_RequestMixedShortlist.json', SANDBOX_PATIENT, ['11002', '51002'], {}, heartFailure('URGENT'), PLATFORM_SPECIALTY),
  createCase(
    'platform/A011_request_RequestTwentyServices.json',
    SANDBOX_PATIENT,
    Array.from({ length: 20 }, (_, i) => String(12000 + i)),
    PATHWAY_START,
    {
      priority: 'ROUTINE',
      specialty: 'CARDIOLOGY',
      clinicType: 'HEART_FAILURE',
      indicativeAppointmentWaitTimeLimit: 50,
      postcode: 'LS1 2UT',
      distanceLimit: 123,
      clinicalTerm: '1003',
      namedClinician: '021600556514',
      ageAndGenderAppropriate: true,
      organisation: 'R69',
    },
    PLATFORM_SPECIALTY,
  ),
  createCase('platform/A021_request_Parameters.json', SANDBOX_PATIENT, ['11004'], {}, heartFailure('ROUTINE'), PLATFORM_SPECIALTY),
  createCase(
    'platform/A021_request_ParametersWithNamedClinician.json',
    SANDBOX_PATIENT,
    ['11004'],
    NAMED_REFERRER,
    { priority: 'ROUTINE', namedClinician: '021600556514', clinicalTerm: '1003', ageAndGenderAppropriate: true },
    'unused',
  ),
];
export const LETTER_CASES = [
  {
    file: 'legacy/A012_request.json',
    files: [{ url: 'Binary/att-97366-95217', indexed: '2019-12-15T13:24:53+00:00', description: 'Example Text' }],
    typeDisplay: 'Referrer',
  },
  {
    file: 'platform/A012_request_MultipleDocumentReferences.json',
    files: [
      {
        url: 'Binary/e1015896-92f4-4073-ad3c-5f30fca76448',
        indexed: '2021-06-24T13:22:13.311000+00:00',
        description: 'First blood test results showing an anomaly in the values of xxxx',
      },
      {
        url: 'Binary/50f0c0d5-7ed1-4587-8fce-889c8685eb54',
        indexed: '2021-06-24T13:22:13.465000+00:00',
        description: 'Second blood test results showing an anomaly in the values of xxxx',
      },
    ],
    typeDisplay: null,
  },
  {
    file: 'platform/A012_request_SingleDocumentReference.json',
    files: [
      {
        url: 'Binary/50f0c0d5-7ed1-4587-8fce-889c8685eb54',
        indexed: '2021-06-24T13:05:03.652000+00:00',
        description: 'Blood test results showing an anomaly in the values of xxxx',
      },
    ],
    typeDisplay: null,
  },
  {
    file: 'platform/A012_request_UpdateClinicalInfo.json',
    files: [
      {
        url: 'Binary/50f0c0d5-7ed1-4587-8fce-889c8685eb54',
        indexed: '2021-06-24T13:22:13.465000+00:00',
        description: 'Second blood test results showing an anomaly in the values of xxxx',
      },
    ],
    typeDisplay: null,
  },
];
/** A platform A016 example: the sandbox referral at version 6 at a service; `appointment` gives the booking or deferral. */
const platformAppointment = (file: string, serviceId: string, appointment: Record<string, string>) => ({
  file,
  flavour: 'platform' as const,
  input: { ubrn: '000000070000', version: '6', serviceId, nhsNumber: SANDBOX_PATIENT, ...appointment },
});

export const APPOINTMENT_CASES = [
  {
    file: 'legacy/A016_request_BOOK.json',
    flavour: 'legacy' as const,
    input: {
      ubrn: '000000070002',
      version: '3',
      serviceId: '70000',
      nhsNumber: '9401130264',
      status: 'booked',
      start: '2021-02-09T09:00:00.000Z',
      end: '2021-02-09T09:30:00.000Z',
      slot: 'Slot/228385',
      namedClinician: null,
    },
  },
  {
    file: 'legacy/A016_request_DEFER.json',
    flavour: 'legacy' as const,
    input: {
      ubrn: '000000070004',
      version: '3',
      serviceId: '70000',
      nhsNumber: '9401130264',
      status: 'proposed',
      reason: 'SLOT_NOT_AVAILABLE',
      comment: 'Comment',
      slot: 'Slot/228340',
    },
  },
  platformAppointment('platform/A016_request_BookingWithNamedClinician.json', '11008', {
    status: 'booked',
    start: '2022-07-11T13:15:00+00:00',
    end: '2022-07-11T14:15:00+00:00',
    slot: 'Slot/11008006',
    namedClinician: '021600556514',
  }),
  platformAppointment('platform/A016_request_DeferralBookingAttemptProblem.json', '11000', {
    status: 'proposed',
    reason: 'BOOKING_ATTEMPT_PROBLEM',
    comment: 'Booking failed',
  }),
  platformAppointment('platform/A016_request_DeferralWithSlotReference.json', '11000', {
    status: 'proposed',
    reason: 'SLOT_NOT_AVAILABLE',
    comment: 'Patient can only attend at 3pm',
    slot: 'Slot/11000022',
  }),
  platformAppointment('platform/A016_request_MinimalBooking.json', '11000', {
    status: 'booked',
    start: '2022-07-11T12:00:00+00:00',
    end: '2022-07-11T13:00:00+00:00',
    slot: 'Slot/11000021',
  }),
  platformAppointment('platform/A016_request_MinimalDeferral.json', '11021', {
    status: 'proposed',
    reason: 'NO_SLOTS_AT_SERVICE',
    comment: 'There are no slots',
  }),
  platformAppointment('platform/A016_request_TriageDeferral.json', '50001', { status: 'proposed', reason: 'TRIAGE' }),
];
