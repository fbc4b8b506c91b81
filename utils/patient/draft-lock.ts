// Binding between an open referral draft and the patient it was started for. Pure logic used by
// the background, the one place that decides the lock (docs/decisions/draft-lock.md): while the host
// page shows a different patient — any identity field differs, not only the NHS number (identity.ts)
// — the draft is locked and cannot be submitted; it unlocks when that exact patient is shown again.
// Pages with no single patient ("none", "ambiguous") change nothing. Fields the draft lacked fill in
// from later reports.
import { formatNhsNumber } from './nhs-number';
import { fillIdentity, identityDifferences, type BoundIdentity } from './identity';
import { displayName } from './refer-button';
import type { PatientContextReport } from './types';

export interface DraftBinding extends BoundIdentity {
  /** The host page's origin when the draft was bound (drafts are per host and patient). */
  hostOrigin?: string;
  openedAt: number;
  locked: boolean;
  /** Clear warning for the panel when locked. */
  warning?: string;
  /** The patient shown when the draft was locked. */
  lockedBy?: { nhsNumber: string; displayName: string; at: number };
}

export function bindDraft(report: PatientContextReport, now = Date.now()): DraftBinding | undefined {
  if (report.status !== 'single' || !report.patient) return undefined;
  const { nhsNumber, birthDate, gender } = report.patient;
  const b: DraftBinding = { nhsNumber, displayName: displayName(report), openedAt: now, locked: false };
  const host = originOf(report.source.url);
  if (host) b.hostOrigin = host;
  if (birthDate) b.birthDate = birthDate;
  if (gender) b.gender = gender;
  return b;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The draft after the host page reported `report`: locked on another patient, unlocked on its own. */
export function applyReportToDraft(draft: DraftBinding, report: PatientContextReport, now = Date.now()): DraftBinding {
  if (report.status !== 'single' || !report.patient) return draft;
  const diff = identityDifferences(draft, report.patient);
  if (!diff.length) {
    // This exact patient again (while locked nothing is filled in: the match must be whole).
    if (!draft.locked) return fillIdentity(draft, report.patient);
    const { warning: _w, lockedBy: _b, ...rest } = draft;
    return { ...rest, locked: false };
  }
  const shown = displayName(report);
  return {
    ...draft,
    locked: true,
    lockedBy: { nhsNumber: report.patient.nhsNumber, displayName: shown, at: now },
    warning:
      `This referral draft is for ${draft.displayName} (NHS ${formatNhsNumber(draft.nhsNumber)}), but the record now shows ` +
      `${shown} (NHS ${formatNhsNumber(report.patient.nhsNumber)}). Different: ${diff.join(', ')}. ` +
      'The draft is locked and cannot be submitted for the patient now shown.',
  };
}
