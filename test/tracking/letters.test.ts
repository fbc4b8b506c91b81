// Letters outstanding: e-RS's list wins; this browser's copy fills in names and drafts, shows when
// e-RS cannot be read, and keeps a referral created after the last fetch.
import { describe, expect, it } from 'vitest';
import type { OutstandingLetter } from '../../utils/referral/store';
import { lettersView } from '../../utils/tracking/letters';

const T = Date.parse('2026-12-01T09:00:00Z');
const local = (ubrn: string, createdAt: number): OutstandingLetter => ({
  ubrn,
  owner: 'u',
  draftId: `d-${ubrn}`,
  displayName: 'SMITH, Jane',
  nhsNumber: '9434765919',
  priority: 'ROUTINE',
  createdAt,
  deadline: createdAt + 7 * 86_400_000,
  hostOrigin: 'https://gp.example',
});

describe('letters outstanding', () => {
  it('lists what e-RS lists, with this browser’s name and draft; drops local entries e-RS no longer lists', () => {
    const remote = { fetchedAt: T, items: [{ ubrn: '000000000001', nhsNumber: '9434765919', letterDue: '2026-12-03' }, { ubrn: '000000000009' }] };
    const view = lettersView(remote, [local('000000000001', T - 3_600_000), local('000000000002', T - 3_600_000)]);
    expect(view.rows.map((r) => [r.ubrn, r.source, r.draftId, r.due])).toEqual([
      ['000000000001', 'ers', 'd-000000000001', '2026-12-03'],
      ['000000000009', 'ers', undefined, undefined],
    ]);
    expect(view.gone).toEqual(['000000000002']);
  });

  it('keeps a referral created after the last fetch, and shows the local copy when e-RS has not been read', () => {
    const view = lettersView({ fetchedAt: T, items: [] }, [local('000000000003', T + 60_000)]);
    expect(view).toEqual({ rows: [expect.objectContaining({ ubrn: '000000000003', source: 'local' })], gone: [] });
    expect(lettersView(undefined, [local('000000000004', T)]).rows).toEqual([
      expect.objectContaining({ ubrn: '000000000004', source: 'local', due: '2026-12-08' }),
    ]);
  });
});
