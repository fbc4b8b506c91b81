// What the side panel needs from the background, as one interface: the real implementation sends
// protocol messages; component tests pass a fake. Drafts themselves are read and written directly
// in IndexedDB (store.ts), which the panel and the background share.
import type { Concept, SearchInput, SearchResult } from '../ers';
import type { PatientContextReport } from '../patient/types';
import type { PanelPreferences } from './messages';
import { ownerKey } from './model';

export interface PanelSession {
  state: 'signed-out' | 'signing-in' | 'choose-role' | 'active' | 'expired';
  flavour: 'legacy' | 'platform';
  environment: string;
  userName?: string;
  /** SDS user id: with `ods`, who owns the drafts this panel may show. */
  userId?: string;
  businessFunction?: string;
  ods?: string;
  orgName?: string;
  /** Every (organisation, business function) the user may act as. */
  roles: { businessFunction: string; ods: string; orgName?: string }[];
  /** Something the user should be told about their session (plain English). */
  notice?: string;
  /** Legacy flavour: where the smartcard SSO token comes from (simulator test cards, or pasted). */
  smartcardSource?: 'test-card' | 'paste';
}

export interface ReferenceData {
  specialties: Concept[];
  clinicTypes: Concept[];
  specialtySystem: string;
}

export type ReconcileAction = { kind: 'choose'; ubrn: string } | { kind: 'recheck' } | { kind: 'resend'; confirmedNotCreated: true };

export interface PanelApi {
  session(): Promise<PanelSession>;
  /** The patient on the clinical page this panel belongs to. */
  patientContext(): Promise<{ report?: PatientContextReport; tabId?: number }>;
  onPatientContext(listener: (report: PatientContextReport | undefined) => void): () => void;
  onSessionChanged(listener: () => void): () => void;
  referenceData(): Promise<ReferenceData>;
  search(input: SearchInput): Promise<SearchResult>;
  /** Ask the background to submit (checks the page still shows this patient) and drive it on. */
  submit(draftId: string, tabId?: number): Promise<void>;
  /** Continue a submission left in flight (panel closed, worker stopped); `tabId` for the patient check. */
  resume(draftId: string, tabId?: number): Promise<void>;
  /** After a create whose outcome is unknown: choose a referral found in e-RS, look again, or (confirmed) send again. */
  reconcile(draftId: string, action: ReconcileAction): Promise<void>;
  /** Attach the letter of a referral sent with "letter to follow" (A020 + A012 with the current ETag). */
  completeLetter(draftId: string): Promise<void>;
  onDraftChanged(listener: (draftId: string) => void): () => void;
  /** Settings the panel uses: draft time-to-live and remembered search defaults. */
  preferences(): Promise<PanelPreferences>;
  rememberSearch(prefs: { priority: string; specialty?: string }): Promise<void>;
  /** Sign in; on the legacy flavour with the simulator's test cards, `card` names the card. */
  signIn(card?: 'adams' | 'baker' | 'cook'): Promise<void>;
  selectRole(role: { businessFunction: string; ods: string }): Promise<void>;
}

/** Whose drafts the panel may show: only a user signed in with a role; otherwise nobody's. */
export function panelOwner(session: PanelSession | undefined): string | undefined {
  if (session?.state !== 'active' || !session.userId || !session.ods) return undefined;
  return ownerKey({ userId: session.userId, ods: session.ods });
}
