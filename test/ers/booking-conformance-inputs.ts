// Inputs for the booking builders, one per request example of the contract pack (A031, A034).
// A034 starts from the booked appointment as A038 would give it; A031 from plain criteria.
import type { SearchCriteria } from '../../utils/ers';

const CRITERIA: SearchCriteria = { priority: 'URGENT', specialty: 'CARDIOLOGY', clinicType: 'HEART_FAILURE', ageAndGenderAppropriate: false };
const SPECIALTY_SYSTEM = '_baseUrl_/STU3/CodeSystem/SPECIALTY';

export const CHANGE_SHORTLIST_CASES = [
  { file: 'platform/A031_request_UnbookedReferral.json', criteria: CRITERIA, serviceIds: ['11002'], letterIntention: 'NEED_TO_ADD_LATER', days: 0 },
  {
    file: 'platform/A031_request_UnbookedReferralMixedShortlist.json',
    criteria: CRITERIA,
    serviceIds: ['11002', '51002'],
    letterIntention: 'NEED_TO_ADD_LATER',
    days: 0,
  },
  {
    file: 'platform/A031_request_UnbookedReferralMultipleServices.json',
    criteria: CRITERIA,
    serviceIds: ['11000', '11001', '11002', '11003', '11008'],
    letterIntention: 'NEED_TO_ADD_LATER',
    days: 0,
  },
  {
    file: 'platform/A031_request_NonMixedShortlistWithDocument.json',
    criteria: {
      priority: 'ROUTINE',
      specialty: 'CARDIOLOGY',
      clinicType: 'HEART_FAILURE',
      commissioningProvisioning: 'ALL_AVAILABLE_FOR_BOOKING',
      ageAndGenderAppropriate: false,
    } satisfies SearchCriteria,
    serviceIds: ['11004', '11002'],
    letterIntention: 'NOT_INTENDING_TO_ADD',
    days: 1,
    shortlistLast: true,
  },
] as const;
export { SPECIALTY_SYSTEM };

export const CANCEL_CASES = [
  'platform/A034_request_CancellationInvalidReason.json',
  'platform/A034_request_CancellationReasonAndMandatoryComment.json',
  'platform/A034_request_CancellationReasonOnlyCommentMandatory.json',
  'platform/A034_request_MinimalCancellationReasonOnlyCommentNotMandatory.json',
].map((file) => ({ file }));
