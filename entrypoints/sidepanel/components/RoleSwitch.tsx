// Switching role with a draft open (loaded on first use): the warning callout from
// utils/session/role-switch.ts and an explicit choice. Keep: the draft stays with the role and
// organisation it was started in (drafts belong to SDS user ID @ ODS code), so it is never sent as the
// new organisation. Start again: the draft is deleted first, then the role is switched, and the page's
// patient gets a fresh draft in the new role. A draft that is being sent blocks the switch.
import { useEffect, useRef } from 'preact/hooks';
import type { PanelSession } from '../../../utils/referral/panel-api';
import { deleteDraft } from '../../../utils/referral/store';
import { roleSwitchWarning } from '../../../utils/session/role-switch';
import type { PanelStore } from '../store';

type RoleRef = { businessFunction: string; ods: string };

export function RoleSwitch({
  store,
  session,
  to,
  onSwitch,
  onClose,
}: {
  store: PanelStore;
  session: PanelSession;
  to: RoleRef;
  onSwitch(): Promise<void>;
  onClose(): void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const draft = store.draft.value;
  const from = { businessFunction: session.businessFunction ?? '', ods: session.ods ?? '', orgName: session.orgName };
  const target = session.roles.find((r) => r.businessFunction === to.businessFunction && r.ods === to.ods) ?? to;
  // Only a draft with something in it is worth asking about; a complete referral is not affected.
  // Any other phase than editing is a submission on its way (or its outcome being found out).
  const phase = draft?.submission.phase;
  const work =
    draft && phase !== 'complete' && (draft.shortlist.length > 0 || draft.files.length > 0 || !!draft.letter || phase !== 'editing')
      ? { kind: 'draft' as const, patient: draft.patient.displayName, sending: phase !== 'editing' }
      : undefined;
  const warning = work && roleSwitchWarning(from, target, work);
  useEffect(() => {
    if (!warning) void onSwitch().finally(onClose);
    else heading.current?.focus();
  }, []);
  if (!warning) return null;
  const startAgain = async () => {
    const open = store.draft.peek();
    if (open) await deleteDraft(open.id);
    store.draft.value = undefined;
    store.results.value = undefined;
    await onSwitch();
    // Within one organisation the panel's owner is unchanged, so nothing else opens a new draft; a
    // switch to another organisation opens one for the new owner when the session changes.
    const report = store.report.peek();
    if (from.ods === to.ods && report) await store.actions.openFor(report);
    onClose();
  };
  return (
    <div class="nhsuk-warning-callout role-switch" data-testid="role-switch-warning">
      <h2 class="nhsuk-warning-callout__label" tabIndex={-1} ref={heading}>
        <span class="nhsuk-u-visually-hidden">Important: </span>
        {warning.title}
      </h2>
      {warning.lines.map((l) => (
        <p key={l}>{l}</p>
      ))}
      {warning.keep && (
        <button type="button" class="nhsuk-button" data-testid="role-switch-keep" onClick={() => void onSwitch().finally(onClose)}>
          {warning.keep}
        </button>
      )}
      {warning.startAgain && (
        <button type="button" class="nhsuk-button nhsuk-button--secondary" data-testid="role-switch-start-again" onClick={() => void startAgain()}>
          {warning.startAgain}
        </button>
      )}
      <button type="button" class="nhsuk-button nhsuk-button--secondary" data-testid="role-switch-stay" onClick={onClose}>
        {warning.stay}
      </button>
    </div>
  );
}
