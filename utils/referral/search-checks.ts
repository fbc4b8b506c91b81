// The search form's own checks, in the words the NHS error-summary pattern uses ("Enter …"), each
// tied to the control it is about (its id in entrypoints/sidepanel/components/SearchForm.tsx). Run
// before a search is sent, so a bad code never reaches the background's schema (whose wording is
// for developers) or e-RS; and the e-RS refusals that are about one field are put on that field.
import type { SearchCriteria } from '../ers/index';

export interface FieldProblem {
  /** The id of the control on the search form. */
  field: string;
  text: string;
}

/** The ids of the search form's controls, by criterion. */
export const SEARCH_FIELDS = {
  clinicalTerm: 'clinical-term',
  namedClinician: 'named-clinician',
  indicativeAppointmentWaitTimeLimit: 'iwt',
  specialty: 'specialty',
} as const;

// A SNOMED CT concept id is 6 to 18 digits (the e-RS sandbox's example term 1003 is shorter, but is
// not a real concept); an SDS user id is 12 digits (packages/ers-contract/docs/ers-api.md).
const SNOMED = /^\d{6,18}$/;
const SDS_USER = /^\d{12}$/;

export function searchFieldProblems(c: SearchCriteria): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const term = c.clinicalTerm?.trim();
  if (term && !SNOMED.test(term)) {
    problems.push({
      field: SEARCH_FIELDS.clinicalTerm,
      text: /\D/.test(term)
        ? 'Enter the clinical term as its SNOMED CT code, using numbers only (for example 84114007)'
        : 'Enter a SNOMED CT code of 6 to 18 digits (for example 84114007)',
    });
  }
  const clinician = c.namedClinician?.trim();
  if (clinician && !SDS_USER.test(clinician)) {
    problems.push({ field: SEARCH_FIELDS.namedClinician, text: "Enter the named clinician's SDS user ID: 12 digits, for example 021600556514" });
  }
  const wait = c.indicativeAppointmentWaitTimeLimit;
  if (wait !== undefined && !(Number.isInteger(wait) && wait >= 0 && wait <= 999)) {
    problems.push({ field: SEARCH_FIELDS.indicativeAppointmentWaitTimeLimit, text: 'Enter the longest wait as a whole number of days, from 0 to 999' });
  }
  return problems;
}

/**
 * A refused search in plain words: on its field when e-RS said which (`fields`, by criterion, from
 * the background's error mapping), else the message as given, except the background's schema
 * refusal, whose wording is for developers.
 */
export function searchRefusal(error: { code?: string; message: string; fields?: Record<string, string> }): FieldProblem[] | string {
  const onFields = Object.entries(error.fields ?? {}).flatMap(([key, text]) => {
    const field = SEARCH_FIELDS[key as keyof typeof SEARCH_FIELDS];
    return field ? [{ field, text }] : [];
  });
  if (onFields.length) return onFields;
  if (error.code === 'invalid-message')
    return 'The search could not be sent because one of its options is not in the form e-RS expects. Check the options and try again.';
  return error.message;
}
