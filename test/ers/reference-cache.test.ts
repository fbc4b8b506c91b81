import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ErsClient, ONE_DAY_MS, ReferenceDataCache } from '../../utils/ers';
import { fhir, scriptedServer } from '../helpers/scripted-server';
import { examplePath } from 'ers-contract/files';

const clinicTypes = JSON.parse(readFileSync(examplePath('legacy/A004_response_CLINIC-TYPE.json'), 'utf8'));
let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
afterEach(async () => {
  await server?.close();
});

describe('A004 reference data cache', () => {
  it('fetches once a day, serves the cached copy meanwhile, and falls back to it when e-RS fails', async () => {
    let fail = false;
    server = await scriptedServer((_req, res) => (fail ? fhir(res, 503, '') : fhir(res, 200, clinicTypes, { ETag: 'W/"1"' })));
    const client = new ErsClient({
      flavour: 'platform',
      baseUrl: `${server.url}/referrals/FHIR`,
      credentials: () => ({ accessToken: 't' }),
      retry: { limit: 0 },
    });
    let now = 1_000_000;
    const cache = new ReferenceDataCache(client, undefined, ONE_DAY_MS, () => now);
    const first = await cache.get('CLINIC-TYPE');
    await cache.get('CLINIC-TYPE');
    now += ONE_DAY_MS - 1;
    await cache.get('CLINIC-TYPE');
    expect(server.seen).toHaveLength(1);
    expect(first).toMatchObject({ type: 'CLINIC-TYPE', etag: 'W/"1"' });
    expect((await cache.clinicTypesFor('CARDIOLOGY')).map((c) => c.code)).toContain('HEART_FAILURE');
    now += 2;
    fail = true;
    expect((await cache.get('CLINIC-TYPE')).fetchedAt).toBe(first.fetchedAt);
    expect(server.seen).toHaveLength(2);
  });
});
