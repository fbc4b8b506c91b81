// "Expect contact by": after a deferral or a triage, the provider contacts the patient within the
// A004 PRIORITY concept's deferToProviderContactDays / triageContactDays, counted in working days
// (packages/ers-contract/docs/ers-api.md §5.1): weekends and England and Wales bank holidays do not count. Pure.

/** Easter Sunday (Gregorian; anonymous algorithm), as a UTC date. */
function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
const isWeekend = (d: Date) => d.getUTCDay() === 0 || d.getUTCDay() === 6;

function firstMonday(y: number, m: number): Date {
  const d = utc(y, m, 1);
  return addDays(d, (8 - d.getUTCDay()) % 7);
}

function lastMonday(y: number, m: number): Date {
  const d = utc(y, m + 1, 0);
  return addDays(d, -((d.getUTCDay() + 6) % 7));
}

/** Proclaimed changes to the usual pattern (moved or one-off bank holidays) in England and Wales. */
const MOVED: Readonly<Record<string, string>> = {
  '2020-05-04': '2020-05-08', // early May moved for VE Day's 75th anniversary
  '2022-05-30': '2022-06-02', // spring moved for the Platinum Jubilee
};
const EXTRA: readonly string[] = ['2022-06-03', '2022-09-19', '2023-05-08'];

/** England and Wales bank holidays of `year`, as YYYY-MM-DD. */
export function bankHolidays(year: number): string[] {
  const days: Date[] = [];
  // New Year's Day, Christmas and Boxing Day move to the next weekdays when they fall at a weekend.
  const newYear = utc(year, 1, 1);
  days.push(isWeekend(newYear) ? addDays(newYear, newYear.getUTCDay() === 6 ? 2 : 1) : newYear);
  const easter = easterSunday(year);
  days.push(addDays(easter, -2), addDays(easter, 1));
  days.push(firstMonday(year, 5), lastMonday(year, 5), lastMonday(year, 8));
  const christmas = utc(year, 12, 25);
  const dow = christmas.getUTCDay();
  if (dow === 6) days.push(utc(year, 12, 27), utc(year, 12, 28));
  else if (dow === 0) days.push(utc(year, 12, 27), utc(year, 12, 26));
  else if (dow === 5) days.push(christmas, utc(year, 12, 28));
  else days.push(christmas, utc(year, 12, 26));
  const out = days.map(iso).map((d) => MOVED[d] ?? d);
  for (const d of EXTRA) if (d.startsWith(String(year))) out.push(d);
  return [...new Set(out)].sort();
}

/**
 * The date `workingDays` working days after `from` (its UK calendar day), skipping weekends and
 * England and Wales bank holidays. Returns YYYY-MM-DD.
 */
export function addWorkingDays(from: Date, workingDays: number): string {
  const ukDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(from);
  let d = new Date(`${ukDay}T00:00:00Z`);
  const holidays = new Set<string>();
  let left = workingDays;
  while (left > 0) {
    d = addDays(d, 1);
    const y = d.getUTCFullYear();
    if (!holidays.has(`${y}`)) {
      holidays.add(`${y}`);
      for (const h of bankHolidays(y)) holidays.add(h);
    }
    if (!isWeekend(d) && !holidays.has(iso(d))) left--;
  }
  return iso(d);
}

/** Contact days for the referral's priority from the A004 PRIORITY concepts (parseConcepts `numbers`). */
export function contactDays(
  priorities: readonly { code: string; numbers?: Record<string, number> }[],
  priority: string,
  kind: 'deferral' | 'triage',
): number | undefined {
  const numbers = priorities.find((p) => p.code === priority)?.numbers;
  return numbers?.[kind === 'deferral' ? 'deferToProviderContactDays' : 'triageContactDays'];
}

/** "Expect contact by" for a deferral or triage made at `created` (Appointment.created). */
export function expectContactBy(created: string, days: number | undefined): string | undefined {
  if (days === undefined || !Number.isFinite(Date.parse(created))) return undefined;
  return addWorkingDays(new Date(created), days);
}
