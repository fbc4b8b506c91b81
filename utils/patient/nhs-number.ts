// The NHS number rules (format and modulus 11) are part of the e-RS contract (packages/ers-contract);
// the patient feature uses them through this name. Dependency-free: the content script bundles it.
export { formatNhsNumber, isValidNhsNumber, normaliseNhsNumber } from 'ers-contract/nhs-number';
