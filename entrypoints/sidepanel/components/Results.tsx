import { useMemo, useState } from 'preact/hooks';
import { type Choice, Select } from '../../../components/Select';
import type { SearchCriteria, ServiceSummary } from '../../../utils/ers/index';
import { emptyResultsAdvice } from '../../../utils/referral/empty-results';
import { bookingLabel, shortlistRefusal } from '../../../utils/referral/format';
import { filterAndSort, waitLabel, type ResultFilter, type ResultSort } from '../../../utils/referral/results-view';
import type { ReferenceData } from '../../../utils/referral/panel-api';
import { FieldLink } from './ErrorSummary';

const BOOKING_CHOICES: readonly Choice[] = [
  ['all', 'All'],
  ['dbs', 'Directly bookable'],
  ['ibs', 'Indirectly bookable'],
  ['ras', 'Triage (RAS)'],
];
const SORT_CHOICES: readonly Choice[] = [
  ['relevance', 'As e-RS ranked'],
  ['distance', 'Distance'],
  ['wait', 'Wait'],
  ['name', 'Name'],
];

export interface ResultsProps {
  services: ServiceSummary[];
  shortlist: ServiceSummary[];
  /** What was searched for, to say why nothing was found. */
  criteria?: SearchCriteria;
  reference?: ReferenceData;
  disabled?: boolean;
  onAdd(service: ServiceSummary): void;
}

/**
 * Search results: filter and sort in the panel, add to the shortlist with the rules explained; why
 * nothing was found; and, once a service is added, a bar at the bottom of the panel that goes to the
 * shortlist and the steps after it without scrolling past the rest of the results.
 */
export function Results({ services, shortlist, criteria, reference, disabled, onAdd }: ResultsProps) {
  const [filter, setFilter] = useState<ResultFilter>({ booking: 'all' });
  const [sort, setSort] = useState<ResultSort>('relevance');
  const shown = useMemo(() => filterAndSort(services, filter, sort), [services, filter, sort]);
  const onFilterText = (e: Event) => setFilter({ ...filter, text: (e.target as HTMLInputElement).value });
  return (
    <section class="results" aria-labelledby="results-heading">
      <h3 id="results-heading" class="results__title">
        {services.length} service{services.length === 1 ? '' : 's'} found
      </h3>
      <div class="results__tools">
        <label class="nhs-label" for="result-filter">
          Filter
        </label>
        <input id="result-filter" class="nhs-input" type="search" value={filter.text ?? ''} placeholder="Service or provider" onInput={onFilterText} />
        <Select
          id="result-booking"
          label="Type"
          value={filter.booking ?? 'all'}
          choices={BOOKING_CHOICES}
          onChange={(v) => setFilter({ ...filter, booking: v as ResultFilter['booking'] })}
        />
        <Select id="result-sort" label="Sort" value={sort} choices={SORT_CHOICES} onChange={(v) => setSort(v as ResultSort)} />
      </div>
      {services.length === 0 && criteria ? (
        <NoServices criteria={criteria} reference={reference} />
      ) : (
        shown.length === 0 && <p class="nhs-hint">No services match the filter. Clear it or choose another type.</p>
      )}
      <ul class="service-list">
        {shown.map((s) => {
          const refusal = shortlistRefusal(shortlist, s);
          const onList = shortlist.some((x) => x.id === s.id);
          return (
            <li key={s.id} class="service" data-service-id={s.id}>
              <div class="service__main">
                <strong class="service__name">{s.name}</strong>
                <span class="service__provider">{s.location.name ?? s.location.ods}</span>
                <span class="service__facts">
                  <span class={`nhs-tag ${s.isTriage ? 'nhs-tag--purple' : 'nhs-tag--blue'}`}>{bookingLabel(s)}</span>
                  {s.distance !== undefined && <span>{s.distance} miles</span>}
                  <span>Wait: {waitLabel(s.wait)}</span>
                  {s.appointmentType && <span>{s.appointmentType.replace(/_/g, ' ').toLowerCase()}</span>}
                </span>
              </div>
              <button
                type="button"
                class="nhs-button nhs-button--secondary service__add"
                disabled={disabled || !!refusal}
                aria-label={onList ? `Added: ${s.name} is on the shortlist` : `Add ${s.name} to the shortlist`}
                title={refusal}
                onClick={() => onAdd(s)}
              >
                {onList ? 'Added' : 'Add'}
              </button>
              {refusal && !onList && <span class="service__why nhs-hint">{refusal}</span>}
            </li>
          );
        })}
      </ul>
      {shortlist.length > 0 && (
        <div class="selected-bar" data-testid="selected-bar">
          <FieldLink to="shortlist-heading">{`${shortlist.length} selected — continue`}</FieldLink>
        </div>
      )}
    </section>
  );
}

function NoServices({ criteria, reference }: { criteria: SearchCriteria; reference?: ReferenceData }) {
  const name = (list: ReferenceData['specialties'] | undefined, code?: string) => list?.find((x) => x.code === code)?.display;
  const advice = emptyResultsAdvice(criteria, {
    specialty: name(reference?.specialties, criteria.specialty),
    clinicType: name(reference?.clinicTypes, criteria.clinicType),
  });
  return (
    <div class="nhs-inset" data-testid="no-services">
      <p>{advice.why}</p>
      <ul>
        {advice.tries.map((t) => (
          <li key={t.field}>
            <FieldLink to={t.field}>{t.text}</FieldLink>
          </li>
        ))}
      </ul>
    </div>
  );
}
