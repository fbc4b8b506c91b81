// The search options most searches leave alone (clinical term, named clinician, distance, wait,
// commissioning, order, age and sex), under "More search options". Loaded after the panel has painted
// (components/SearchForm.tsx), so the scripts the panel starts with stay small; with the inline error
// message of each control the search checks found a problem with (utils/referral/search-checks.ts).
import type { CommissioningProvisioning, SearchCriteria } from '../../../utils/ers/index';
import type { SearchState } from '../../../utils/referral/model';
import type { FieldProblem } from '../../../utils/referral/search-checks';

const DISTANCES = [5, 10, 25, 50, 100, 200];
const PROVISIONING: [CommissioningProvisioning, string][] = [
  ['ALL_AVAILABLE_FOR_BOOKING', 'All available for booking'],
  ['LOCALLY_COMMISSIONABLE', 'Locally commissioned'],
  ['NATIONALLY_AVAILABLE', 'Nationally available'],
];

/** The NHS inline error message for a control, and the attributes that tie it to the control. */
function inline(problems: FieldProblem[] | undefined, id: string, hint?: string) {
  const text = problems?.find((p) => p.field === id)?.text;
  const message = text && (
    <p class="nhs-error-message" id={`${id}-error`}>
      <span class="nhs-visually-hidden">Error: </span>
      {text}
    </p>
  );
  return { message, attrs: { 'aria-invalid': !!text || undefined, 'aria-describedby': [hint, text && `${id}-error`].filter(Boolean).join(' ') || undefined } };
}

/** A labelled numeric text field with its inline error message. */
function NumberField(p: { id: string; label: string; field: ReturnType<typeof inline>; value?: string; onInput(v: string | undefined): void }) {
  return (
    <>
      <label class="nhs-label" for={p.id}>
        {p.label}
      </label>
      {p.field.message}
      <input
        id={p.id}
        class="nhs-input"
        inputMode="numeric"
        {...p.field.attrs}
        value={p.value ?? ''}
        onInput={(e) => p.onInput((e.target as HTMLInputElement).value || undefined)}
      />
    </>
  );
}

export interface MoreCriteriaProps {
  value: SearchState;
  patientPostcode?: string;
  problems?: FieldProblem[];
  onChange(next: SearchState): void;
}

export function MoreCriteria({ value, patientPostcode, problems, onChange }: MoreCriteriaProps) {
  const c = value.criteria;
  const set = (patch: Partial<SearchCriteria>) => onChange({ ...value, criteria: { ...c, ...patch } });
  const term = inline(problems, 'clinical-term');
  const clinician = inline(problems, 'named-clinician');
  const wait = inline(problems, 'iwt', 'iwt-hint');
  return (
    <>
      {(
        [
          ['clinical-term', 'Clinical term (SNOMED CT code)', term, 'clinicalTerm'],
          ['named-clinician', 'Named clinician (SDS user ID)', clinician, 'namedClinician'],
        ] as const
      ).map(([id, label, field, key]) => (
        <NumberField key={id} id={id} label={label} field={field} value={c[key]} onInput={(v) => set({ [key]: v })} />
      ))}
      <label class="nhs-label" for="distance">
        Distance from {patientPostcode ? `patient (${patientPostcode})` : 'the patient'}
      </label>
      <select
        id="distance"
        class="nhs-select"
        value={String(c.distanceLimit ?? '')}
        disabled={!patientPostcode}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          set(v ? { distanceLimit: Number(v), postcode: patientPostcode } : { distanceLimit: undefined, postcode: undefined });
        }}
      >
        <option value="">Any distance</option>
        {DISTANCES.map((d) => (
          <option key={d} value={String(d)}>
            Within {d} miles
          </option>
        ))}
      </select>
      <label class="nhs-label" for="iwt">
        Longest indicative wait (days)
      </label>
      {wait.message}
      <input
        id="iwt"
        class="nhs-input nhs-input--short"
        type="number"
        min={0}
        value={c.indicativeAppointmentWaitTimeLimit ?? ''}
        disabled={c.priority === 'TWO_WEEK_WAIT'}
        {...wait.attrs}
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          set({ indicativeAppointmentWaitTimeLimit: v === '' ? undefined : Math.max(0, Number(v)) });
        }}
      />
      <p id="iwt-hint" class="nhs-hint">
        Not used for two week wait referrals.
      </p>
      <label class="nhs-label" for="provisioning">
        Commissioning
      </label>
      <select
        id="provisioning"
        class="nhs-select"
        value={c.commissioningProvisioning ?? ''}
        onChange={(e) => set({ commissioningProvisioning: ((e.target as HTMLSelectElement).value || undefined) as CommissioningProvisioning | undefined })}
      >
        <option value="">Default (all available for booking)</option>
        {PROVISIONING.map(([code, label]) => (
          <option key={code} value={code}>
            {label}
          </option>
        ))}
      </select>
      <label class="nhs-label" for="sort">
        Order results by
      </label>
      <select
        id="sort"
        class="nhs-select"
        value={value.sortBy}
        onChange={(e) => onChange({ ...value, sortBy: (e.target as HTMLSelectElement).value as SearchState['sortBy'] })}
      >
        <option value="DISTANCE">Distance</option>
        <option value="IWT">Indicative wait</option>
      </select>
      <label class="checkbox">
        <input type="checkbox" checked={c.ageAndGenderAppropriate} onChange={(e) => set({ ageAndGenderAppropriate: (e.target as HTMLInputElement).checked })} />
        Only services suitable for the patient's age and sex
      </label>
    </>
  );
}
