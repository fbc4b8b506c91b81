// Why the patient reader gives no patient, in words a clinician understands: written once, used by
// both halves of both readers (the content script carries one copy of each).
import { formatNhsNumber } from 'ers-contract/nhs-number';

export const NO_NHS = 'No NHS number shown';
export const NO_NAME = 'No patient name shown';
export const manyNumbers = (n: number) => `${n} different NHS numbers shown`;
export const failsCheck = (n: string) => `NHS number ${formatNhsNumber(n)} fails the modulus 11 check`;

/** The record says it is still loading. */
export const LOADING = 'The record is still loading';
