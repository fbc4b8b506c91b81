// The results list's own filtering and sorting (no call to e-RS) and the wait in words.
import { describe, expect, it } from 'vitest';
import type { ServiceSummary } from '../../utils/ers';
import { filterAndSort, waitLabel } from '../../utils/referral/results-view';

const service = (id: string, name: string, more: Partial<ServiceSummary>): ServiceSummary => ({
  id,
  name,
  bookableType: 'DIRECTLY_BOOKABLE',
  flowTypes: [],
  isTriage: false,
  referralLetterRequired: false,
  location: {},
  displayProminently: false,
  ...more,
});
const RESULTS = [
  service('1', 'Northgate Cardiology', { distance: 12, wait: 30, location: { name: 'Northgate General', ods: 'RX1' } }),
  service('2', 'Abbey Heart Clinic', { distance: 3, wait: 'LIMITED_AVAILABILITY', bookableType: 'INDIRECTLY_BOOKABLE' }),
  service('3', 'Cardiology RAS', { isTriage: true, wait: 7 }),
];
const ids = (xs: ServiceSummary[]) => xs.map((s) => s.id);

describe('filterAndSort', () => {
  it('keeps e-RS order for relevance, and sorts by distance, wait (unpublished last) or name', () => {
    expect(ids(filterAndSort(RESULTS, {}, 'relevance'))).toEqual(['1', '2', '3']);
    expect(ids(filterAndSort(RESULTS, {}, 'distance'))).toEqual(['2', '1', '3']);
    expect(ids(filterAndSort(RESULTS, {}, 'wait'))).toEqual(['3', '1', '2']);
    expect(ids(filterAndSort(RESULTS, {}, 'name'))).toEqual(['2', '3', '1']);
  });

  it('filters on name, location name or ODS code, and on how the service books', () => {
    expect(ids(filterAndSort(RESULTS, { text: ' rx1 ' }, 'relevance'))).toEqual(['1']);
    expect(ids(filterAndSort(RESULTS, { text: 'cardiology' }, 'relevance'))).toEqual(['1', '3']);
    expect(ids(filterAndSort(RESULTS, { booking: 'dbs' }, 'relevance'))).toEqual(['1']);
    expect(ids(filterAndSort(RESULTS, { booking: 'ibs' }, 'relevance'))).toEqual(['2']);
    expect(ids(filterAndSort(RESULTS, { booking: 'ras' }, 'relevance'))).toEqual(['3']);
  });

  it('never reorders the list it was given', () => {
    filterAndSort(RESULTS, {}, 'name');
    expect(ids(RESULTS)).toEqual(['1', '2', '3']);
  });
});

describe('waitLabel', () => {
  it('says the wait in days, or what the code means', () => {
    expect([1, 30, 'LIMITED_AVAILABILITY', 'NOT_APPLICABLE', undefined].map((w) => waitLabel(w))).toEqual([
      '1 day',
      '30 days',
      'Limited availability',
      'Not applicable',
      'Not published',
    ]);
  });
});
