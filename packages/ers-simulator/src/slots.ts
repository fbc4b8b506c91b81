// Slot inventories of the directly bookable services (packages/ers-contract/docs/referral-lifecycle.md §3.4). Deterministic:
// generated from the service id and the day the inventory is first read, so a test or demo sees the
// same schedules every run. About one service in six has no slots and one in six has many pages;
// services with named clinicians have schedules that belong to one of them.

import type { Directory, Service } from './directory';
import { mulberry32 } from './prng';

export interface SlotRecord {
  id: string;
  serviceId: string;
  scheduleId: string;
  clinician?: string;
  start: string;
  end: string;
  /** UBRN that booked it (or 'elsewhere' when a fault stands in for another booking). */
  bookedBy?: string;
}

export type SlotProfile = 'none' | 'few' | 'many';

function hashOf(id: string): number {
  let h = 2166136261;
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** How many slots a service offers, decided by its id (about one in six has none, one in six many pages). */
export function slotProfileOf(serviceId: string): SlotProfile {
  const h = hashOf(serviceId) % 6;
  return h === 0 ? 'none' : h === 1 ? 'many' : 'few';
}

export const MANY_SLOTS = 45;

/** The next working day (Mon–Fri) after `now`, at 00:00 UTC. */
function firstDay(now: Date): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6);
  return d;
}

/** Generates one service's inventory: four clinics a working day (09:00, 10:30, 13:00, 14:30 UTC), 30 minutes each. */
export function generateSlots(svc: Service, now: Date, profile = slotProfileOf(svc.id)): SlotRecord[] {
  const rng = mulberry32(hashOf(svc.id));
  const count = profile === 'none' ? 0 : profile === 'many' ? MANY_SLOTS : 4 + Math.floor(rng() * 9);
  const times = [9 * 60, 10 * 60 + 30, 13 * 60, 14 * 60 + 30];
  const day = firstDay(now);
  const out: SlotRecord[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % times.length === 0) {
      do day.setUTCDate(day.getUTCDate() + 1);
      while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
    }
    const start = new Date(day.getTime() + times[i % times.length] * 60_000);
    // Every third slot belongs to a named clinician of the service, when it has any.
    const clinician = svc.namedClinicians.length > 0 && i % 3 === 1 ? svc.namedClinicians[i % svc.namedClinicians.length] : undefined;
    out.push({
      id: `${svc.id}${String(i + 1).padStart(3, '0')}`,
      serviceId: svc.id,
      scheduleId: clinician ? `${svc.id}-${clinician}` : svc.id,
      ...(clinician ? { clinician } : {}),
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * 60_000).toISOString(),
    });
  }
  return out;
}

/** All slots of the simulator, generated per service on first use. */
export class SlotBook {
  private byService = new Map<string, SlotRecord[]>();
  private profiles = new Map<string, SlotProfile>();

  /** Admin: give a service a particular profile (regenerated on next read). */
  setProfile(serviceId: string, profile: SlotProfile): void {
    this.profiles.set(serviceId, profile);
    this.byService.delete(serviceId);
  }

  forService(svc: Service, now: Date): SlotRecord[] {
    let slots = this.byService.get(svc.id);
    if (!slots) {
      const profile = this.profiles.get(svc.id) ?? (/no slots/i.test(svc.name) ? 'none' : slotProfileOf(svc.id));
      slots = svc.bookableType === 'DIRECTLY_BOOKABLE' && svc.flows.includes('APPOINTMENT_REQUEST') ? generateSlots(svc, now, profile) : [];
      this.byService.set(svc.id, slots);
    }
    return slots;
  }

  find(slotId: string, dir: Directory, now: Date): SlotRecord | undefined {
    const svc = dir.services.get(slotId.slice(0, -3));
    return svc ? this.forService(svc, now).find((s) => s.id === slotId) : undefined;
  }
}
