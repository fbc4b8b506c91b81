// NHS number helpers. Kept dependency-free: the content script imports this and must stay tiny.

/** Strip spaces and hyphens, as clinical systems print `943 476 5919` or `943-476-5919`. */
export function normaliseNhsNumber(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

/** True when `value` is ten digits whose tenth is the modulus 11 check digit of the first nine. */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(value[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false; // numbers whose check would be 10 are never issued
  return (check === 11 ? 0 : check) === Number(value[9]);
}

/** `9434765919` → `943 476 5919`, the format NHS guidance asks every screen to use. */
export function formatNhsNumber(value: string): string {
  const n = normaliseNhsNumber(value);
  return n.length === 10 ? `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}` : value;
}
