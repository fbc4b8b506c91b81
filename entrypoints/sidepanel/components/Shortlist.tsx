import type { ServiceSummary } from '../../../utils/ers/index';
import { bookingLabel } from '../../../utils/referral/format';

export interface ShortlistProps {
  shortlist: ServiceSummary[];
  flavour: 'legacy' | 'platform';
  isAdmin: boolean;
  referringClinician?: string;
  disabled?: boolean;
  onRemove(id: string): void;
  onReferringClinician(value: string): void;
}

export function Shortlist({ shortlist, flavour, isAdmin, referringClinician, disabled, onRemove, onReferringClinician }: ShortlistProps) {
  const triage = shortlist.length === 1 && shortlist[0].isTriage;
  const clinicianValid = !isAdmin || /^\d{12}$/.test(referringClinician ?? '');
  return (
    <section class="step" aria-labelledby="shortlist-heading">
      <h3 id="shortlist-heading" class="step__title">
        <span class="step__number">2</span> Shortlist ({shortlist.length} of 20)
      </h3>
      {shortlist.length === 0 && <p class="nhs-hint">Add up to 20 services from the results. A Referral Assessment Service (triage) goes on its own.</p>}
      <ol class="shortlist">
        {shortlist.map((s) => (
          <li key={s.id} data-shortlist-id={s.id}>
            <span>
              {s.name} <span class="nhs-hint">({bookingLabel(s)})</span>
            </span>
            <button type="button" class="link-button" disabled={disabled} onClick={() => onRemove(s.id)} aria-label={`Remove ${s.name} from the shortlist`}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      {triage && (
        <div class="nhs-inset" role="note">
          This is a Referral Assessment Service: the referral goes to the service to triage
          {flavour === 'legacy' ? ' (e-RS "create and send for triage")' : ' (created, then sent for triage)'}. A referral letter is needed.
        </div>
      )}
      {isAdmin && (
        <div class={`nhs-form-group ${clinicianValid ? '' : 'nhs-form-group--error'}`}>
          <label class="nhs-label" for="referring-clinician">
            Referring clinician (SDS user ID)
          </label>
          <p class="nhs-hint" id="referring-clinician-hint">
            You are signed in as a clinician admin, so name the clinician you refer for.
          </p>
          {!clinicianValid && referringClinician && (
            <p class="nhs-error-message" id="referring-clinician-error">
              Enter the 12-digit SDS user ID.
            </p>
          )}
          <input
            id="referring-clinician"
            class="nhs-input"
            inputMode="numeric"
            value={referringClinician ?? ''}
            disabled={disabled}
            aria-describedby="referring-clinician-hint"
            onInput={(e) => onReferringClinician((e.target as HTMLInputElement).value.trim())}
          />
        </div>
      )}
    </section>
  );
}
