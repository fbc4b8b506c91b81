import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import type { Priority, SearchCriteria } from '../../../utils/ers/index';
import type { SearchState } from '../../../utils/referral/model';
import type { ReferenceData } from '../../../utils/referral/panel-api';
import type { FieldProblem } from '../../../utils/referral/search-checks';
import { lazyComponent } from '../lazy';

const PRIORITIES: [Priority, string][] = [
  ['ROUTINE', 'Routine'],
  ['URGENT', 'Urgent'],
  ['TWO_WEEK_WAIT', 'Two week wait (suspected cancer)'],
];
// Loaded just after the panel paints (it is in the form, closed), so the panel starts without it.
const MoreCriteria = lazyComponent(() => import('./MoreCriteria').then((m) => m.MoreCriteria));

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
  /** Problems with the last search, each on its control (shown in the error summary too). */
  problems?: FieldProblem[];
  onChange(next: SearchState): void;
  onSearch(): void;
}

export function SearchForm({ value, reference, patientPostcode, disabled, busy, problems, onChange, onSearch }: SearchFormProps) {
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
                id={`priority-${code}`}
                name="priority"
                value={code}
                checked={c.priority === code}
                onChange={() => set({ priority: code, ...(code === 'TWO_WEEK_WAIT' ? { indicativeAppointmentWaitTimeLimit: undefined } : {}) })}
              />
              {label}
            </label>
          ))}
        </div>
        <ConceptSelect
          id="specialty"
          label="Specialty"
          none="Choose a specialty"
          value={c.specialty}
          concepts={specialties}
          onChange={(specialty) => set({ specialty, clinicType: undefined })}
        />
        <ConceptSelect
          id="clinic-type"
          label={
            <>
              Clinic type <span class="nhs-hint">(optional)</span>
            </>
          }
          none="Any clinic type"
          value={c.clinicType}
          concepts={clinicTypes}
          disabled={!c.specialty}
          onChange={(clinicType) => set({ clinicType })}
        />
        <details class="more-criteria" open={!!problems?.length || undefined}>
          <summary>More search options</summary>
          <MoreCriteria value={value} patientPostcode={patientPostcode} problems={problems} onChange={onChange} />
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

/** A labelled select of reference-data concepts (code → display), with an empty first choice. */
function ConceptSelect(p: {
  id: string;
  label: ComponentChildren;
  value?: string;
  none: string;
  concepts: { code: string; display: string }[];
  disabled?: boolean;
  onChange(code: string | undefined): void;
}) {
  return (
    <>
      <label class="nhs-label" for={p.id}>
        {p.label}
      </label>
      <select
        id={p.id}
        class="nhs-select"
        value={p.value ?? ''}
        disabled={p.disabled}
        onChange={(e) => p.onChange((e.target as HTMLSelectElement).value || undefined)}
      >
        <option value="">{p.none}</option>
        {p.concepts.map((s) => (
          <option key={s.code} value={s.code}>
            {s.display}
          </option>
        ))}
      </select>
    </>
  );
}
