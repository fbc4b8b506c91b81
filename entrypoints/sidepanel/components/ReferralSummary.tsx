// What the referral says, as an NHS summary list: before it is sent ("Check your answers", each row
// with a Change link to its step) and after (the done screen, what was sent). Loaded when first
// shown (components/SubmitStep.tsx, screens/Done.tsx), so the panel starts without it.
import { formatNhsNumber } from 'ers-contract/nhs-number';
import type { ComponentChildren } from 'preact';
import { bookingLabel } from '../../../utils/referral/format';
import type { Draft } from '../../../utils/referral/model';
import type { ReferenceData } from '../../../utils/referral/panel-api';
import { FieldLink } from './ErrorSummary';

// As the search form's Priority choices say them.
const PRIORITY: Record<Draft['search']['criteria']['priority'], string> = {
  ROUTINE: 'Routine',
  URGENT: 'Urgent',
  TWO_WEEK_WAIT: 'Two week wait (suspected cancer)',
};

export interface ReferralSummaryProps {
  draft: Draft;
  reference?: ReferenceData;
  /** Before sending: each row links to the control that changes it. */
  changeable?: boolean;
}

export function ReferralSummary({ draft, reference, changeable }: ReferralSummaryProps) {
  const c = draft.search.criteria;
  const name = (list: ReferenceData['specialties'] | undefined, code?: string) => (code ? (list?.find((x) => x.code === code)?.display ?? code) : undefined);
  const specialty = name(reference?.specialties, c.specialty);
  const clinicType = name(reference?.clinicTypes, c.clinicType);
  const triage = draft.shortlist.length === 1 && draft.shortlist[0]!.isTriage;
  const rows: [string, ComponentChildren, string?][] = [
    ['Patient', `${draft.patient.displayName}, NHS number ${formatNhsNumber(draft.patient.nhsNumber)}`],
    [
      draft.shortlist.length === 1 ? 'Service' : `Services (${draft.shortlist.length})`,
      <ul key="s" class="summary-list__services">
        {draft.shortlist.map((s) => (
          <li key={s.id}>
            {s.name} ({bookingLabel(s)})
          </li>
        ))}
      </ul>,
      'shortlist-heading',
    ],
    ['Priority', PRIORITY[c.priority], `priority-${c.priority}`],
    ['Specialty', specialty ?? 'Not chosen (searched by clinical term or clinician)', 'specialty'],
    ['Clinic type', clinicType ?? 'Any', 'clinic-type'],
    [
      'Referral letter',
      draft.letterMode === 'to-follow'
        ? 'To follow: attach it later from "Letters outstanding"'
        : draft.files.length
          ? draft.files.map((f) => f.name).join(', ')
          : 'None attached yet',
      'letter-heading',
    ],
    ['Request type', triage ? 'Referral for triage (Referral Assessment Service)' : 'Referral for an appointment'],
  ];
  if (draft.referringClinician) rows.push(['Referring clinician', `SDS user ID ${draft.referringClinician}`, 'referring-clinician']);
  return (
    <dl class="summary-list" data-testid={changeable ? 'check-answers' : 'sent-summary'}>
      {rows.map(([key, value, to]) => (
        <div key={key} class="summary-list__row">
          <dt class="summary-list__key">{key}</dt>
          <dd class="summary-list__value">{value}</dd>
          {changeable && to && (
            <dd class="summary-list__actions">
              <FieldLink to={to} label={`Change ${key.toLowerCase()}`}>
                Change
              </FieldLink>
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}
