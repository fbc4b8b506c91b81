// How search results are shown in the side panel's results list (components/Results.tsx): the wait
// in words, and filtering and sorting without another call to e-RS. Pure. Kept apart from format.ts
// because only the results list, which loads when a search first answers, uses it.
import type { ServiceSummary } from '../ers';

export function waitLabel(wait: ServiceSummary['wait']): string {
  if (typeof wait === 'number') return `${wait} day${wait === 1 ? '' : 's'}`;
  if (wait === 'LIMITED_AVAILABILITY') return 'Limited availability';
  if (wait === 'NOT_APPLICABLE') return 'Not applicable';
  return 'Not published';
}

export type ResultSort = 'relevance' | 'distance' | 'wait' | 'name';
export type ResultFilter = { text?: string; booking?: 'all' | 'dbs' | 'ibs' | 'ras' };

const waitNumber = (s: ServiceSummary) => (typeof s.wait === 'number' ? s.wait : Number.POSITIVE_INFINITY);

/** Filter and sort search results in the panel, without another call to e-RS. */
export function filterAndSort(services: readonly ServiceSummary[], filter: ResultFilter, sort: ResultSort): ServiceSummary[] {
  const text = filter.text?.trim().toLowerCase();
  const kept = services.filter((s) => {
    if (text && !`${s.name} ${s.location.name ?? ''} ${s.location.ods ?? ''}`.toLowerCase().includes(text)) return false;
    switch (filter.booking ?? 'all') {
      case 'dbs':
        return !s.isTriage && s.bookableType === 'DIRECTLY_BOOKABLE';
      case 'ibs':
        return !s.isTriage && s.bookableType === 'INDIRECTLY_BOOKABLE';
      case 'ras':
        return s.isTriage;
      default:
        return true;
    }
  });
  const by: Record<ResultSort, ((a: ServiceSummary, b: ServiceSummary) => number) | undefined> = {
    relevance: undefined,
    distance: (a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity),
    wait: (a, b) => waitNumber(a) - waitNumber(b),
    name: (a, b) => a.name.localeCompare(b.name),
  };
  return by[sort] ? [...kept].sort(by[sort]) : kept;
}
