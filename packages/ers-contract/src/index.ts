// Systems, profiles and code lists of the e-RS FHIR STU3 API, copied exactly from the e-RS contract;
// the example bodies in ../examples/ use the same values. Note the deliberate mix of fhir.nhs.net and
// fhir.nhs.uk. Plain constants, no Node built-ins: the extension bundles this file.

export const SYSTEM = {
  nhsNumber: 'http://fhir.nhs.net/Id/nhs-number',
  sdsUserId: 'http://fhir.nhs.net/Id/sds-user-id',
  sdsUserIdR4: 'https://fhir.nhs.uk/Id/sds-user-id',
  ersService: 'http://fhir.nhs.net/Id/ers-service',
  odsOrganisationCode: 'https://fhir.nhs.uk/Id/ods-organization-code',
  spineOrganisation: 'https://directory.spineservices.nhs.uk/STU3/Organization',
  ersRequestId: 'https://fhir.nhs.uk/Id/ers-request-id',
  requestType: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-RequestType-1',
  sortBy: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-SortBy-1',
  priority: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-Priority-1',
  clinicType: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ClinicType-1',
  snomed: 'http://snomed.info/sct',
  commissioningProvisioning: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-CommissioningProvisioning-1',
  referralLetterIntention: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReferralLetterIntention-1',
  attachmentType: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-AttachmentType-1',
  reviewReason: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReviewReason-1',
  apiErrorCode: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1',
  businessFunctionR4: 'https://fhir.nhs.uk/CodeSystem/eRS-BusinessFunction-1',
  listEmptyReason: 'http://hl7.org/fhir/ValueSet/list-empty-reason',
  referralListSelector: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReferralListSelector-1',
  referralState: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReferralState-1',
} as const;

const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition/';
export const PROFILE = {
  patientServiceSearch: `${SD}eRS-PatientServiceSearch-Parameters-1`,
  serviceSearchCriteria: `${SD}eRS-ServiceSearchCriteria-Parameters-1`,
  createReferral: `${SD}eRS-CreateReferral-Parameters-1`,
  createReferralAndSendForTriage: `${SD}eRS-CreateReferralAndSendForTriage-Parameters-1`,
  shortlist: `${SD}eRS-Shortlist-List-1`,
  maintainReferralLetter: `${SD}eRS-MaintainReferralLetter-Parameters-1`,
  documentReference: `${SD}eRS-DocumentReference-1`,
  fetchServicesList: `${SD}eRS-FetchServices-List-1`,
  referralRequest: `${SD}eRS-ReferralRequest-1`,
  operationOutcome: `${SD}eRS-OperationOutcome-1`,
  appointment: `${SD}eRS-Appointment-1`,
  fetchWorklist: `${SD}eRS-FetchWorklist-Parameters-1`,
  fetchWorklistList: `${SD}eRS-FetchWorklist-List-1`,
} as const;

export const EXTENSION = {
  shortlistSearchCriteria: `${SD}Extension-eRS-Shortlist-SearchCriteria-1`,
  serviceSummaryView: `${SD}Extension-eRS-ServiceSummaryView-1`,
  serviceSearchListItem: `${SD}Extension-eRS-ServiceSearch-ListItem-1`,
  referralPriority: `${SD}Extension-eRS-ReferralPriority-1`,
  referralShortlist: `${SD}Extension-eRS-ReferralShortlist-1`,
  commissioningRuleOrg: `${SD}Extension-eRS-Commissioning-Rule-Org-1`,
  referralState: `${SD}Extension-eRS-ReferralState-1`,
  eReferralPathwayStart: `${SD}Extension-eRS-eReferralPathwayStart-1`,
  appointment: `${SD}Extension-eRS-Appointment-1`,
  appointmentReference: `${SD}Extension-eRS-Appointment-Reference-1`,
  availabilityStatus: `${SD}Extension-eRS-AvailabilityStatus-1`,
  attachedBy: `${SD}Extension-eRS-AttachedBy-1`,
  attachedByOrganisation: `${SD}Extension-eRS-AttachedByOrganisation-1`,
  clinicalInfoFirstSubmitted: `${SD}Extension-eRS-ClinicalInfoFirstSubmitted-1`,
  clinicalInfoLastUpdated: `${SD}Extension-eRS-ClinicalInfoLastUpdated-1`,
} as const;

export const PRIORITIES = ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const REQUEST_TYPES = ['APPOINTMENT_REQUEST', 'ADVICE_AND_GUIDANCE_REQUEST'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const SORT_BY = ['DISTANCE', 'IWT'] as const;
export type SortBy = (typeof SORT_BY)[number];

export const COMMISSIONING_PROVISIONING = ['ALL_AVAILABLE_FOR_BOOKING', 'ALL_SERVICES', 'LOCALLY_COMMISSIONABLE', 'NATIONALLY_AVAILABLE'] as const;
export type CommissioningProvisioning = (typeof COMMISSIONING_PROVISIONING)[number];

/** The referrer worklists of A008; the provider lists are out of scope. */
export const REFERRER_WORKLISTS = ['LETTERS_OUTSTANDING', 'REJECTED_TRIAGE_RESPONSE', 'ASSESSMENT_RETURNED_CANCELLED_DNA', 'AWAITING_BOOKING'] as const;
export type ReferrerWorklist = (typeof REFERRER_WORKLISTS)[number];

export const LETTER_INTENTIONS = ['NEED_TO_ADD_LATER', 'NOT_INTENDING_TO_ADD'] as const;
export type LetterIntention = (typeof LETTER_INTENTIONS)[number];

/** Business functions a referrer can act as; A010/A011/A012/A019/A021 accept only these. */
export const REFERRER_BUSINESS_FUNCTIONS = ['REFERRING_CLINICIAN', 'REFERRING_CLINICIAN_ADMIN'] as const;

export const CODE_SYSTEM_TYPES = [
  'SPECIALTY',
  'CLINIC-TYPE',
  'PRIORITY',
  'APPOINTMENT-CANCELLATION-REASON',
  'REFERRAL-CANCELLATION-REASON',
  'APPOINTMENT-NON-ATTENDANCE-REASON',
] as const;
export type CodeSystemType = (typeof CODE_SYSTEM_TYPES)[number];

/** A020 allowed MIME types and their file extensions (platform list; HTML withdrawn). */
export const ATTACHMENT_TYPES: Readonly<Record<string, readonly string[]>> = {
  'text/plain': ['txt'],
  'application/pdf': ['pdf'],
  'text/xml': ['xml'],
  'text/rtf': ['rtf', 'rtx'],
  'audio/basic': ['au'],
  'audio/mpeg': ['mp3'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/jpeg': ['jpg', 'jpe', 'jpeg'],
  'image/tiff': ['tif', 'tiff'],
  'video/mpeg': ['mpg', 'mpeg', 'mpe'],
  'application/msword': ['doc'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/dicom': ['dcm'],
};

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_FILE_NAME_LENGTH = 255;
export const MAX_SHORTLIST = 20;
