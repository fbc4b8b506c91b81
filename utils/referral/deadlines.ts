// When a "letter to follow" must be attached: 24 hours for urgent and two-week-wait referrals,
// 3 working days (weekends excluded) for routine ones.
import type { Priority } from '../ers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function addWorkingDays(from: number, days: number): number {
  let t = from;
  let left = days;
  while (left > 0) {
    t += DAY;
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return t;
}

export function letterDeadline(priority: Priority | string | undefined, createdAt: number): number {
  return priority === 'URGENT' || priority === 'TWO_WEEK_WAIT' ? createdAt + 24 * HOUR : addWorkingDays(createdAt, 3);
}
