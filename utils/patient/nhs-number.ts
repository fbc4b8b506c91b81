// The NHS number rules (format and modulus 11) are part of the e-RS contract (packages/ers-contract);
// only the advice and letter features still import them through this name (the rest import ers-contract/nhs-number).
export { formatNhsNumber, isValidNhsNumber } from 'ers-contract/nhs-number';
