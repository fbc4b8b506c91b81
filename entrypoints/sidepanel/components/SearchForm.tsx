import { useMemo } from 'preact/hooks';
import type { CommissioningProvisioning, Priority, SearchCriteria } from '../../../utils/ers/index';
import type { SearchState } from '../../../utils/referral/model';
import type { ReferenceData } from '../../../utils/referral/panel-api';

const PRIORITIES: [Priority, string][] = [
  ['ROUTINE', 'Routine'],
  ['URGENT', 'Urgent'],
  ['TWO_WEEK_WAIT', 'Two week wait (suspected cancer)'],
];
const DISTANCES = [5, 10, 25, 50, 100, 200];
const PROVISIONING: [CommissioningProvisioning, string][] = [
  ['ALL_AVAILABLE_FOR_BOOKING', 'All available for booking'],
  ['LOCALLY_COMMISSIONABLE', 'Locally commissioned'],
  ['NATIONALLY_AVAILABLE', 'Nationally available'],
];

/**
 * The criteria in the order e-RS documents them (key order is the order sent), text trimmed here
 * rather than while typing (trimming each keystroke would swallow the space between two words).
 */
export function orderedCriteria(c: SearchCriteria): SearchCriteria {
  const keys: (keyof SearchCriteria)[] = [
    'priority',
    'specialty',
    'clinicType',
    'indicativeAppointmentWaitTimeLimit',
    'postcode',
    'distanceLimit',
    'clinicalTerm',
    'namedClinician',
    'commissioningProvisioning',
    'organisation',
    'ageAndGenderAppropriate',
  ];
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = typeof c[k] === 'string' ? (c[k] as string).trim() : c[k];
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out as unknown as SearchCriteria;
}

export interface SearchFormProps {
  value: SearchState;
  reference?: ReferenceData;
  patientPostcode?: string;
  disabled?: boolean;
  busy?: boolean;
  onChange(next: SearchState): void;
  onSearch(): void;
}

export function SearchForm({ value, reference, patientPostcode, disabled, busy, onChange, onSearch }: SearchFormProps) {
  const c = value.criteria;
  const set = (patch: Partial<SearchCriteria>) => onChange({ ...value, criteria: { ...c, ...patch } });
  const specialties = useMemo(() => (reference?.specialties ?? []).filter((s) => !s.retired).sort((a, b) => a.display.localeCompare(b.display)), [reference]);
  const clinicTypes = useMemo(
    () => (reference?.clinicTypes ?? []).filter((t) => !t.retired && t.specialty === c.specialty).sort((a, b) => a.display.localeCompare(b.display)),
    [reference, c.specialty],
  );
  const needsNeed = !c.specialty && !c.clinicalTerm?.trim() && !c.namedClinician?.trim();
  return (
    <form
      class="step"
      aria-labelledby="search-heading"
      onSubmit={(e) => {
        e.preventDefault();
        if (!needsNeed) onSearch();
      }}
    >
      <h3 id="search-heading" class="step__title">
        <span class="step__number">1</span> Find a service
      </h3>
      <fieldset class="nhs-fieldset" disabled={disabled}>
        <legend class="nhs-label">Priority</legend>
        <div class="radios">
          {PRIORITIES.map(([code, label]) => (
            <label key={code} class="radio">
              <input
                type="radio"
                name="priority"
                value={code}
                checked={c.priority === code}
                onChange={() => set({ priority: code, ...(code === 'TWO_WEEK_WAIT' ? { indicativeAppointmentWaitTimeLimit: undefined } : {}) })}
              />
              {label}
            </label>
          ))}
        </div>
        <label class="nhs-label" for="specialty">
          Specialty
        </label>
        <select
          id="specialty"
          class="nhs-select"
          value={c.specialty ?? ''}
          onChange={(e) => set({ specialty: (e.target as HTMLSelectElement).value || undefined, clinicType: undefined })}
        >
          <option value="">Choose a specialty</option>
          {specialties.map((s) => (
            <option key={s.code} value={s.code}>
              {s.display}
            </option>
          ))}
        </select>
        <label class="nhs-label" for="clinic-type">
          Clinic type <span class="nhs-hint">(optional)</span>
        </label>
        <select
          id="clinic-type"
          class="nhs-select"
          value={c.clinicType ?? ''}
          disabled={!c.specialty}
          onChange={(e) => set({ clinicType: (e.target as HTMLSelectElement).value || undefined })}
        >
          <option value="">Any clinic type</option>
          {clinicTypes.map((t) => (
            <option key={t.code} value={t.code}>
              {t.display}
            </option>
          ))}
        </select>
        <details class="more-criteria">
          <summary>More search options</summary>
          <label class="nhs-label" for="clinical-term">
            Clinical term (SNOMED CT code)
          </label>
          <input
            id="clinical-term"
            class="nhs-input"
            inputMode="numeric"
            value={c.clinicalTerm ?? ''}
            onInput={(e) => set({ clinicalTerm: (e.target as HTMLInputElement).value || undefined })}
          />
          <label class="nhs-label" for="named-clinician">
            Named clinician (SDS user ID)
          </label>
          <input
            id="named-clinician"
            class="nhs-input"
            inputMode="numeric"
            value={c.namedClinician ?? ''}
            onInput={(e) => set({ namedClinician: (e.target as HTMLInputElement).value || undefined })}
          />
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
          <input
            id="iwt"
            class="nhs-input nhs-input--short"
            type="number"
            min={0}
            value={c.indicativeAppointmentWaitTimeLimit ?? ''}
            disabled={c.priority === 'TWO_WEEK_WAIT'}
            aria-describedby="iwt-hint"
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
            <input
              type="checkbox"
              checked={c.ageAndGenderAppropriate}
              onChange={(e) => set({ ageAndGenderAppropriate: (e.target as HTMLInputElement).checked })}
            />
            Only services suitable for the patient's age and sex
          </label>
        </details>
        {needsNeed && (
          <p class="nhs-hint" id="need-hint">
            Choose a specialty, or give a clinical term or named clinician.
          </p>
        )}
        <button type="submit" class="nhs-button" disabled={disabled || busy || needsNeed} aria-describedby={needsNeed ? 'need-hint' : undefined}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </fieldset>
    </form>
  );
}
