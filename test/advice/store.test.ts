// The A&G list in IndexedDB: bound to its user, kept across connections, and at sign-out only the
// requests never sent are removed (a sent one, or one whose send may have happened, is kept).
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AdviceRecord } from '../../utils/advice/model';
import { getOwnAdvice, idbAdviceStore, putAdviceFile, removeUnsentAdvice, resetAdviceDbConnection } from '../../utils/advice/store';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetAdviceDbConnection();
});

const record = (id: string, owner: string, phase: AdviceRecord['phase']): AdviceRecord => ({
  id,
  owner,
  patient: { nhsNumber: '9434765919', displayName: 'JONES, Sarah' },
  request: 'q',
  files: [{ key: `${id}-f`, name: 'a.txt', contentType: 'text/plain', size: 1 }],
  phase,
  createdAt: 0,
  updatedAt: 0,
});

describe('the A&G store', () => {
  it('lists and opens only the owner’s requests, also after reconnecting', async () => {
    await idbAdviceStore.put(record('a', 'u1@B86001', 'sent'));
    await idbAdviceStore.put(record('b', 'u2@B86001', 'sent'));
    resetAdviceDbConnection();
    expect((await idbAdviceStore.list('u1@B86001')).map((r) => r.id)).toEqual(['a']);
    expect(await getOwnAdvice('u1@B86001', 'b')).toBeUndefined();
    expect(await getOwnAdvice(undefined, 'a')).toBeUndefined();
    expect((await getOwnAdvice('u1@B86001', 'a'))?.id).toBe('a');
  });

  it('sign-out removes only the requests never sent, with their files', async () => {
    // One request in each phase, named after it.
    for (const id of ['editing', 'ready', 'creating', 'outcome-unknown', 'sent'] as const) {
      await idbAdviceStore.put(record(id, 'u1@B86001', id));
      await putAdviceFile(id, `${id}-f`, new Blob(['x']));
    }
    await idbAdviceStore.put(record('other', 'u2@B86001', 'ready'));
    expect(await removeUnsentAdvice('u1@B86001')).toBe(2);
    expect((await idbAdviceStore.list('u1@B86001')).map((r) => r.id).sort()).toEqual(['creating', 'outcome-unknown', 'sent']);
    expect(await idbAdviceStore.getFile('editing-f')).toBeUndefined();
    expect(await idbAdviceStore.getFile('sent-f')).toBeDefined();
    expect(await idbAdviceStore.list('u2@B86001')).toHaveLength(1);
  });
});
