// In-memory state of one simulator instance: referrals (with their version history), uploaded
// binaries, counters for ids, plus the seed data that makes the example requests meaningful.

import type { Priority } from 'ers-contract';
import type { AdviceRequest } from './advice';
import type { Flavour } from './search';
import { SlotBook } from './slots';
import { USER_IDS } from './users';

export type ReferralState =
  | 'NOT_BOOKED'
  | 'AWAITING_TRIAGE'
  | 'BOOKED'
  | 'DEFERRED_TO_PROVIDER'
  | 'REJECTED'
  | 'TRIAGE_RESPONSE'
  | 'ASSESSMENT_RESULT'
  | 'DID_NOT_ATTEND'
  | 'APP_CANCELLED_BY_PATIENT'
  | 'APP_CANCELLED_BY_PROVIDER'
  | 'CANCELLED_REFERRAL'
  // an A&G request the provider converted (./advice.ts)
  | 'TRIAGED_PROVIDER_TO_ACTION';

/** The `reason` of the referral state (a provider's rejection reason, a cancellation reason, …). */
export interface StateReason {
  system: string;
  code: string;
  display?: string;
}

export interface Attachment {
  /** e-RS attachment id (numeric string); the contained DocumentReference is `DocumentReference-<id>`. */
  id: string;
  binaryId: string;
  description?: string;
  indexed: string;
  attachedBy: string;
  attachedByOrg: string;
  linkedAt: number;
}

export interface Appointment {
  id: string;
  serviceId: string;
  serviceName: string;
  created: string;
  /** Referral version the appointment was made against (its incomingReferral reference). */
  referralVersion: number;
  /** Absent = the triage shape (proposed, reason TRIAGE, version 1). */
  status?: 'booked' | 'proposed' | 'cancelled';
  /** The appointment's own version (A034's If-Match). */
  version?: number;
  reason?: { system: string; code: string };
  slotId?: string;
  start?: string;
  end?: string;
  clinician?: string;
  comment?: string;
}

export interface Referral {
  ubrn: string;
  version: number;
  requestId: string;
  flavour: Flavour;
  patientNhsNumber: string;
  priority: Priority;
  specialty?: string;
  /** The contained serviceSearchCriteria, as echoed (id already renamed, system URLs normalised). */
  criteria: Record<string, unknown>;
  shortlist: { serviceId: string; display: string }[];
  commissioningOrg: string;
  state: ReferralState;
  letterIntention: string;
  reminderDays: number;
  pathwayStart?: string;
  createdBy: { userId: string; ods: string; businessFunction: string };
  referringClinician?: string;
  createdAt: string;
  attachments: Attachment[];
  clinicalInfoFirstSubmitted?: string;
  clinicalInfoLastUpdated?: string;
  appointment?: Appointment;
  /** Reason and comments of the current state (rejection, cancellation, …), as A005 renders them. */
  stateReason?: StateReason;
  stateComment?: string;
  /** When the state last changed (worklists' referralLastUpdated). */
  stateChangedAt?: string;
  /** ODS of the organisation that cancelled the referral (outside the referrer's → a worklist item). */
  cancelledByOds?: string;
  /** Files a provider attached with its response; kept apart from the referrer's letters (A012 never touches them). */
  responses?: Attachment[];
  /** Snapshots of earlier versions for A005 `/_history/{v}` (JSON-cloned Referral without history). */
  history: Map<number, Omit<Referral, 'history' | 'locked'>>;
  /** Set while an update (A012/A016) is being processed; a concurrent update gets 423. */
  locked: boolean;
}

export interface Binary {
  id: string;
  bytes: Buffer;
  contentType: string;
  fileName: string;
  intendedUbrn?: string;
  uploadedBy: string;
  uploadedByOrg: string;
  uploadedAt: number;
  /** UBRN the file is currently linked to by A012 (null = not linked). */
  linkedUbrn: string | null;
  linkedAt?: number;
}

export class SimState {
  referrals = new Map<string, Referral>();
  binaries = new Map<string, Binary>();
  /** A&G requests (./advice.ts); they share the UBRN counter with referrals. */
  advice = new Map<string, AdviceRequest>();
  /** One-time A042 download addresses (./objectstore.ts). */
  objectStore = new Map<string, { binaryId: string; expiresAt: number }>();
  nextUbrn = 70_002;
  nextAttachmentId = 80_001;
  nextAppointmentId = 70_000;
  nextLegacyAttachment = 95_000;
  /** Slot inventories (A015/A016), regenerated with the rest of the state on reset. */
  slots = new SlotBook();

  allocateUbrn(): string {
    while (this.referrals.has(String(this.nextUbrn).padStart(12, '0')) || this.advice.has(String(this.nextUbrn).padStart(12, '0'))) this.nextUbrn++;
    return String(this.nextUbrn++).padStart(12, '0');
  }
}

/** Referral snapshot without the mutable bookkeeping (for history). */
export function snapshot(r: Referral): Omit<Referral, 'history' | 'locked'> {
  const { history: _h, locked: _l, ...rest } = r;
  return structuredClone(rest);
}

/** Bumps the version, recording the previous version in the history first. */
export function bumpVersion(r: Referral): void {
  r.history.set(r.version, snapshot(r));
  r.version += 1;
}

const SANDBOX_CRITERIA = (priority: Priority, extra: object[]) => ({
  resourceType: 'Parameters',
  id: 'serviceSearchCriteria',
  meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-ServiceSearchCriteria-Parameters-1'] },
  parameter: [
    { name: 'priority', valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-Priority-1', code: priority } },
    ...extra,
    {
      name: 'commissioningProvisioning',
      valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-CommissioningProvisioning-1', code: 'ALL_AVAILABLE_FOR_BOOKING' },
    },
  ],
});

/** Sandbox scenario binaries referenced verbatim by the A012 example requests. */
export const EXAMPLE_BINARY_IDS = {
  first: 'e1015896-92f4-4073-ad3c-5f30fca76448',
  second: '50f0c0d5-7ed1-4587-8fce-889c8685eb54',
  a005: '19eb7224-dff3-4730-a5cb-67eac811f1a5',
} as const;

/**
 * Seeds the state the platform examples assume (packages/ers-contract/docs/ers-api.md §5.6 scenarios, examples/platform/A005):
 *  - 000000070000: ROUTINE cardiology referral at version 5 with one linked letter (as in
 *    A005_response_Unbooked), shortlist 11002 + triage service 50001. A012 SingleDocumentReference
 *    (If-Match W/"5") takes it to version 6, which is exactly what A016_request_TriageDeferral names.
 *  - 000000070001: a fresh referral (version 3, no letters) for the two-file scenario.
 *  - Binaries 50f0c0d5-… (intended for 070000) and e1015896-… (intended for 070001). The sandbox
 *    reuses 50f0c0d5 in both scenarios; tests replaying scenario 2 re-seed it for 070001.
 * New referrals get UBRNs from 000000070002 upwards.
 */
export function seedExampleState(state: SimState, specialtySystem: string, now: Date): void {
  const nowIso = now.toISOString();
  const specialty = { name: 'specialty', valueCoding: { system: specialtySystem, code: 'CARDIOLOGY' } };
  const clinicType = { name: 'clinicType', valueCoding: { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ClinicType-1', code: 'HEART_FAILURE' } };
  const base = (ubrn: string, requestId: string): Referral => ({
    ubrn,
    version: 3,
    requestId,
    flavour: 'platform',
    patientNhsNumber: '9912003888',
    priority: 'ROUTINE',
    specialty: 'CARDIOLOGY',
    criteria: SANDBOX_CRITERIA('ROUTINE', [
      specialty,
      clinicType,
      { name: 'postcode', valueString: 'LS1 2TW' },
      { name: 'distanceLimit', valueUnsignedInt: 123 },
      { name: 'ageAndGenderAppropriate', valueBoolean: true },
    ]),
    shortlist: [{ serviceId: '11002', display: 'Good Cardiology Business Service' }],
    commissioningOrg: 'R69',
    state: 'NOT_BOOKED',
    letterIntention: 'NEED_TO_ADD_LATER',
    reminderDays: 0,
    createdBy: { userId: USER_IDS.adams, ods: 'R68', businessFunction: 'REFERRING_CLINICIAN' },
    createdAt: nowIso,
    attachments: [],
    history: new Map(),
    locked: false,
  });

  const r0 = base('000000070000', 'r.c18c4ec4-7d0a-480e-8506-347e0ec228b0');
  r0.shortlist.push({ serviceId: '50001', display: 'Cardiology Triage Service' });
  state.referrals.set(r0.ubrn, r0);
  // Version 3 → 4: letter added (A005 example state); 4 → 5: clinical info confirmed.
  state.binaries.set(EXAMPLE_BINARY_IDS.a005, {
    id: EXAMPLE_BINARY_IDS.a005,
    bytes: Buffer.from('%PDF-1'),
    contentType: 'application/pdf',
    fileName: 'referralletter.pdf',
    intendedUbrn: r0.ubrn,
    uploadedBy: USER_IDS.adams,
    uploadedByOrg: 'R68',
    uploadedAt: now.getTime(),
    linkedUbrn: r0.ubrn,
    linkedAt: now.getTime(),
  });
  bumpVersion(r0);
  r0.attachments.push({
    id: '80000',
    binaryId: EXAMPLE_BINARY_IDS.a005,
    description: 'referralletter pdf',
    indexed: nowIso,
    attachedBy: USER_IDS.adams,
    attachedByOrg: 'R68',
    linkedAt: now.getTime(),
  });
  r0.clinicalInfoFirstSubmitted = nowIso;
  bumpVersion(r0);

  const r1 = base('000000070001', 'r.c18c4ec4-7d0a-480e-8506-347e0ec228b1');
  state.referrals.set(r1.ubrn, r1);

  seedBinary(state, { id: EXAMPLE_BINARY_IDS.second, fileName: 'testResult1.png', contentType: 'image/png', intendedUbrn: r0.ubrn, now });
  seedBinary(state, { id: EXAMPLE_BINARY_IDS.first, fileName: 'testResult2.pdf', contentType: 'application/pdf', intendedUbrn: r1.ubrn, now });
}

export interface SeedBinaryOptions {
  id: string;
  fileName: string;
  contentType: string;
  intendedUbrn?: string;
  bytes?: Buffer;
  uploadedBy?: string;
  uploadedByOrg?: string;
  now: Date;
}

export function seedBinary(state: SimState, o: SeedBinaryOptions): Binary {
  const b: Binary = {
    id: o.id,
    bytes: o.bytes ?? Buffer.from(`example file ${o.fileName}\n`),
    contentType: o.contentType,
    fileName: o.fileName,
    intendedUbrn: o.intendedUbrn,
    uploadedBy: o.uploadedBy ?? USER_IDS.adams,
    uploadedByOrg: o.uploadedByOrg ?? 'R68',
    uploadedAt: o.now.getTime(),
    linkedUbrn: null,
  };
  state.binaries.set(b.id, b);
  return b;
}
