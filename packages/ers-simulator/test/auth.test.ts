// Authentication and role checks of both flavours, and the mock CIS2 authorisation-code + PKCE flow.

import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/server';
import {
  ADAMS_RC_R68,
  COOK_SPC,
  L,
  P,
  TEST_SMARTCARDS,
  USER_IDS,
  expectOutcome,
  fixture,
  legacyHeaders,
  legacyPost,
  legacySession,
  platformHeaders,
  post,
  startSim,
  useSimulator,
} from './helpers';
import { examplePath } from 'ers-contract/files';

let now = Date.parse('2026-03-02T10:00:00Z');
const sim = useSimulator({ now: () => new Date(now), tokenLifetimeSeconds: 60, sessionIdleSeconds: 120 }, { reset: false });

const codeSystem = (h: Record<string, string>, flavourPath = P) => fetch(`${sim.url}${flavourPath}/CodeSystem/PRIORITY`, { headers: h });

describe('platform bearer tokens and role headers', () => {
  it('accepts a valid token + held (ODS, BF) pair, echoes X-Correlation-ID and adds X-Request-ID', async () => {
    const res = await codeSystem(platformHeaders(sim, ADAMS_RC_R68));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-correlation-id')).toBe('test-correlation');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}-1$/);
  });

  it('401 NO_ACCESS (issue code login) without, with unknown and with expired tokens', async () => {
    const h = platformHeaders(sim, ADAMS_RC_R68);
    const { Authorization: _a, ...noAuth } = h;
    for (const headers of [noAuth, { ...h, Authorization: 'Bearer nonsense' }]) {
      const res = await codeSystem(headers);
      await expectOutcome(res.clone(), 401, 'NO_ACCESS');
      expect((await res.json()).issue[0].code).toBe('login');
    }
    const token = sim.issueToken(USER_IDS.adams);
    const ok = await codeSystem({ ...h, Authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    now += 61_000; // token lifetime is 60 s in this suite
    const expired = await codeSystem({ ...h, Authorization: `Bearer ${token}` });
    const body = await expired.json();
    expect(expired.status).toBe(401);
    expect(body.issue[0]).toMatchObject({ code: 'login', details: { coding: [{ code: 'NO_ACCESS' }] } });
    expect(body.meta.lastUpdated).toBeTruthy(); // proxy-generated shape
  });

  it('expireTokens() (and POST /_admin/expire) invalidate live tokens', async () => {
    const h = platformHeaders(sim, ADAMS_RC_R68);
    expect((await codeSystem(h)).status).toBe(200);
    const r = await post(sim, '/_admin/expire', { tokens: h.Authorization.slice(7) }, { 'Content-Type': 'application/json' });
    expect(await r.json()).toEqual({ expiredTokens: 1, expiredSessions: 0 });
    await expectOutcome(await codeSystem(h), 401, 'NO_ACCESS');
  });

  it('400 MISSING_HEADER without the ODS header', async () => {
    const { 'NHSD-End-User-Organisation-ODS': _o, ...h } = platformHeaders(sim, ADAMS_RC_R68);
    const d = await expectOutcome(await codeSystem(h), 400, 'MISSING_HEADER');
    expect(d).toBe('Missing or Empty NHSD-End-User-Organisation-ODS header.');
  });

  it('403 NO_ACCESS for an (ODS, BF) pair the user does not hold, and for app-restricted BFs', async () => {
    await expectOutcome(await codeSystem(platformHeaders(sim, { ...ADAMS_RC_R68, ods: 'R69' })), 403, 'NO_ACCESS');
    await expectOutcome(await codeSystem(platformHeaders(sim, { ...ADAMS_RC_R68, bf: 'REFERRER_AUTHORISED_APPLICATION' })), 403, 'NO_ACCESS');
  });

  it('403 when the BF is not allowed for the endpoint (SPC on A010), but SPC may read A004', async () => {
    expect((await codeSystem(platformHeaders(sim, COOK_SPC))).status).toBe(200);
    const res = await post(
      sim,
      `${P}/HealthcareService/$ers.searchHealthcareServicesForPatient`,
      fixture('platform/A010_request_RcMinimal.json'),
      platformHeaders(sim, COOK_SPC),
    );
    const d = await expectOutcome(res, 403, 'FORBIDDEN');
    expect(d).toContain('REFERRING_CLINICIAN');
  });

  it('A030 lists the roles per organisation (R4 Bundle), and answers R4 outcomes on 401', async () => {
    const res = await fetch(`${sim.url}/referrals/FHIR/R4/PractitionerRole`, {
      headers: { Authorization: `Bearer ${sim.issueToken(USER_IDS.practitioner101)}` },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    const example = fixture('platform/A030_response_PractitionerRoleBundle.json');
    expect(body.resourceType).toBe(example.resourceType);
    expect(body.total).toBe(2);
    const codes = Object.fromEntries(body.entry.map((e: any) => [e.resource.organization.identifier.value, e.resource.code.map((x: any) => x.coding[0].code)]));
    const expected = Object.fromEntries(
      example.entry.map((e: any) => [e.resource.organization.identifier.value, e.resource.code.map((x: any) => x.coding[0].code)]),
    );
    expect(codes).toEqual(expected);
    const denied = await fetch(`${sim.url}/referrals/FHIR/R4/PractitionerRole`);
    expect(denied.status).toBe(401);
    const d = await denied.json();
    expect(d.issue[0].details.coding[0]).toMatchObject({ system: 'https://fhir.nhs.uk/CodeSystem/NHSD-API-ErrorOrWarningCode', code: 'ACCESS_DENIED' });
  });
});

describe('legacy professional sessions (A001–A003)', () => {
  const base = { XAPI_ASID: '200000000001', 'Content-Type': 'application/json' };

  it('A001 accepts the example smartcard token verbatim (stray leading space) and returns the session DTO', async () => {
    const res = await post(sim, '/ers-api/v1/ProfessionalSession', fixture('legacy/A001_request.json'), base);
    expect(res.status).toBe(201);
    expect(res.headers.get('x_ers_transaction_id')).toBeTruthy();
    const body = await res.json();
    const example = fixture('legacy/A001_response.json');
    expect(Object.keys(body).sort()).toEqual(Object.keys(example).sort());
    expect(body.user.identifier).toBe('555020964101');
    expect(body.user.permissions).toHaveLength(5);
    expect(body.permission).toBeNull();
    expect(body.id).toMatch(/^pro-xapi-session_/);
  });

  it('refuses unknown smartcards (403) and a missing XAPI_ASID (403)', async () => {
    await expectOutcome(await post(sim, '/ers-api/v1/ProfessionalSession', { token: 'nope' }, base), 403, 'NO_ACCESS');
    await expectOutcome(
      await post(sim, '/ers-api/v1/ProfessionalSession', { token: TEST_SMARTCARDS.adams }, { 'Content-Type': 'application/json' }),
      403,
      'NO_ACCESS',
    );
  });

  it('business calls before A002 → 403; A002 with a permission not held → 403; after A002 → 200', async () => {
    const created = await (await post(sim, '/ers-api/v1/ProfessionalSession', { token: TEST_SMARTCARDS.adams }, base)).json();
    const get = () => fetch(`${sim.url}${L}/CodeSystem/PRIORITY`, { headers: legacyHeaders(created.id) });
    await expectOutcome(await get(), 403, 'NO_ACCESS');
    const put = (permission: object) =>
      fetch(`${sim.url}/ers-api/v1/ProfessionalSession/${created.id}`, {
        method: 'PUT',
        headers: { ...base, HTTP_X_SESSION_KEY: created.id },
        body: JSON.stringify({ ...created, permission }),
      });
    await expectOutcome(await put({ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R69' }), 403, 'NO_ACCESS');
    const ok = await put({ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'B86001' });
    expect(ok.status).toBe(200);
    expect((await ok.json()).permission).toEqual({ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'B86001', orgName: 'Park Lane Surgery' });
    expect((await get()).status).toBe(200);
  });

  it('the corrected minimal A002 example body selects a role; the verbatim invalid JSON gets 400', async () => {
    const created = await (await post(sim, '/ers-api/v1/ProfessionalSession', fixture('legacy/A001_request.json'), base)).json();
    const h = { ...base, HTTP_X_SESSION_KEY: created.id };
    const { readFileSync } = await import('node:fs');
    const bad = readFileSync(examplePath('legacy/A002_request.VERBATIM-NOT-VALID-JSON.txt'), 'utf8');
    expect((await fetch(`${sim.url}/ers-api/v1/ProfessionalSession/${created.id}`, { method: 'PUT', headers: h, body: bad })).status).toBe(400);
    const res = await fetch(`${sim.url}/ers-api/v1/ProfessionalSession/${created.id}`, {
      method: 'PUT',
      headers: h,
      body: JSON.stringify(fixture('legacy/A002_request.corrected-minimal.json')),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).permission.businessFunction).toBe('SERVICE_PROVIDER_CLINICIAN');
  });

  it('A003 deletes (204); the key then gets 401; idle sessions expire (401); BF not allowed → 403', async () => {
    const key = await legacySession(sim, TEST_SMARTCARDS.adams, 'REFERRING_CLINICIAN', 'R68');
    const del = await fetch(`${sim.url}/ers-api/v1/ProfessionalSession/${key}`, { method: 'DELETE', headers: legacyHeaders(key) });
    expect(del.status).toBe(204);
    await expectOutcome(await fetch(`${sim.url}${L}/CodeSystem/PRIORITY`, { headers: legacyHeaders(key) }), 401, 'NO_ACCESS');

    const idle = await legacySession(sim, TEST_SMARTCARDS.baker, 'REFERRING_CLINICIAN_ADMIN', 'B86001');
    now += 121_000; // idle timeout is 120 s in this suite
    await expectOutcome(await fetch(`${sim.url}${L}/CodeSystem/PRIORITY`, { headers: legacyHeaders(idle) }), 401, 'NO_ACCESS');

    const spc = await legacySession(sim, TEST_SMARTCARDS.cook, 'SERVICE_PROVIDER_CLINICIAN', 'R69');
    const res = await legacyPost(sim, spc, '/HealthcareService/$ers.searchHealthcareServicesForPatient', fixture('legacy/A010_request.json'));
    await expectOutcome(res, 403, 'FORBIDDEN');
    expect(sim.expireSessions(spc)).toBe(1);
    await expectOutcome(await fetch(`${sim.url}${L}/CodeSystem/PRIORITY`, { headers: legacyHeaders(spc) }), 401, 'NO_ACCESS');
  });

  it('createLegacySmartcard mints a working smartcard for any test user', async () => {
    const card = sim.createLegacySmartcard(USER_IDS.practitioner101);
    const key = await legacySession(sim, card, 'REFERRING_CLINICIAN', 'R68');
    expect((await fetch(`${sim.url}${L}/CodeSystem/SPECIALTY`, { headers: legacyHeaders(key) })).status).toBe(200);
  });
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('mock CIS2 (authorisation code + PKCE S256)', () => {
  let cis: RunningSimulator;
  let clock = Date.parse('2026-03-02T10:00:00Z');
  const redirect = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/cb';
  beforeAll(async () => {
    cis = await startSim({ clientSecret: 's3cret', tokenLifetimeSeconds: 30, now: () => new Date(clock) });
  });
  afterAll(() => cis.close());

  const authorize = (params: Record<string, string>) =>
    fetch(
      `${cis.url}/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'ers-extension-demo', redirect_uri: redirect, code_challenge_method: 'S256', state: 'xyz', ...params })}`,
      { redirect: 'manual' },
    );
  const token = (form: Record<string, string>) =>
    fetch(`${cis.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  it('shows a login page listing the test users when there is no login_hint', async () => {
    const res = await authorize({ code_challenge: pkce().challenge });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const name of ['Kate ADAMS', 'Jo BAKER', 'Chris COOK']) expect(html).toContain(name);
    expect(html).toContain(`value="${USER_IDS.adams}"`);
    expect(html).not.toContain('DORMANT');
  });

  it('full flow: login_hint auto-approves, code → token (with secret) → A030 works → refresh rotates', async () => {
    const { verifier, challenge } = pkce();
    const res = await authorize({ code_challenge: challenge, login_hint: USER_IDS.baker });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe(redirect);
    expect(loc.searchParams.get('state')).toBe('xyz');
    const code = loc.searchParams.get('code')!;
    const form = { grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: 'ers-extension-demo', code_verifier: verifier };
    expect((await token(form)).status).toBe(401); // client secret configured but missing
    const ok = await token({ ...form, client_secret: 's3cret' });
    const t = await ok.json();
    expect(ok.status, JSON.stringify(t)).toBe(200);
    expect(t).toMatchObject({ token_type: 'Bearer', expires_in: 30 });
    const roles = await fetch(`${cis.url}/referrals/FHIR/R4/PractitionerRole`, { headers: { Authorization: `Bearer ${t.access_token}` } });
    expect((await roles.json()).entry[0].resource.code[0].coding[0].code).toBe('REFERRING_CLINICIAN_ADMIN');
    // single-use code: replay fails and revokes the tokens it produced
    expect((await token({ ...form, client_secret: 's3cret' })).status).toBe(400);
    expect((await fetch(`${cis.url}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${t.access_token}` } })).status).toBe(401);
    // refresh grant rotates the refresh token
    const r1 = await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'ers-extension-demo', client_secret: 's3cret' });
    const t1 = await r1.json();
    expect(r1.status).toBe(200);
    expect(t1.refresh_token).not.toBe(t.refresh_token);
    expect(
      (await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: 'ers-extension-demo', client_secret: 's3cret' })).status,
    ).toBe(400);
    const who = await (await fetch(`${cis.url}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${t1.access_token}` } })).json();
    expect(who.sub).toBe(USER_IDS.baker);
    // token lifetime (30 s here) → 401 with the documented outcome
    clock += 31_000;
    const expired = await fetch(`${cis.url}/referrals/FHIR/R4/PractitionerRole`, { headers: { Authorization: `Bearer ${t1.access_token}` } });
    expect(expired.status).toBe(401);
  });

  it('rejects a wrong PKCE verifier, an expired code, plain PKCE, unregistered redirect URIs and unknown clients', async () => {
    const { challenge } = pkce();
    const code = (r: Response) => new URL(r.headers.get('location')!).searchParams.get('code')!;
    const c1 = code(await authorize({ code_challenge: challenge, login_hint: USER_IDS.adams }));
    const bad = await token({
      grant_type: 'authorization_code',
      code: c1,
      redirect_uri: redirect,
      client_id: 'ers-extension-demo',
      client_secret: 's3cret',
      code_verifier: pkce().verifier,
    });
    expect((await bad.json()).error).toBe('invalid_grant');
    const { verifier: v2, challenge: ch2 } = pkce();
    const c2 = code(await authorize({ code_challenge: ch2, login_hint: USER_IDS.adams }));
    clock += 61_000; // codes live 60 s
    expect(
      (
        await (
          await token({
            grant_type: 'authorization_code',
            code: c2,
            redirect_uri: redirect,
            client_id: 'ers-extension-demo',
            client_secret: 's3cret',
            code_verifier: v2,
          })
        ).json()
      ).error,
    ).toBe('invalid_grant');
    const plain = await authorize({ code_challenge: challenge, code_challenge_method: 'plain', login_hint: USER_IDS.adams });
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const noPkce = await fetch(
      `${cis.url}/oauth2/authorize?response_type=code&client_id=ers-extension-demo&redirect_uri=${encodeURIComponent(redirect)}&login_hint=${USER_IDS.adams}`,
      { redirect: 'manual' },
    );
    expect(new URL(noPkce.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    expect((await authorize({ code_challenge: challenge, redirect_uri: 'https://evil.example.com/cb' })).status).toBe(400);
    expect((await authorize({ code_challenge: challenge, client_id: 'someone-else' })).status).toBe(400);
    // loopback redirect on any port is allowed by default
    const loop = await authorize({ code_challenge: challenge, redirect_uri: 'http://127.0.0.1:9999/callback', login_hint: USER_IDS.adams });
    expect(loop.status).toBe(302);
    expect((await authorize({ code_challenge: challenge, login_hint: USER_IDS.dormant })).headers.get('location')).toContain('error=access_denied');
  });
});
