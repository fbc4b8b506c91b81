// A020 upload rules, A012 letter maintenance (replacement, versions, 412/409/423), A019 PDF letters.

import { describe, expect, it } from 'vitest';
import { pdfPages, pdfText } from '../../../test/helpers/pdf-text';
import {
  ADAMS_RC_R68,
  BAKER_RCA,
  CARDIO_HF,
  L,
  P,
  TEST_SMARTCARDS,
  createBody,
  createReferral,
  expectOutcome,
  legacyHeaders,
  legacySession,
  maintainBody,
  platformHeaders,
  post,
  upload,
  useSimulator,
} from './helpers';

let now = Date.parse('2026-03-02T10:00:00.000Z');
const sim = useSimulator({ now: () => new Date(now), binaryScanDelayMs: 60_000 });

async function uploaded(ubrn: string, name = 'letter.txt', type = 'text/plain'): Promise<string> {
  const res = await upload(sim, ADAMS_RC_R68, { ubrn, name, type });
  expect(res.status, await res.clone().text()).toBe(201);
  const loc = res.headers.get('location')!;
  expect(loc).toMatch(/^Binary\/[0-9a-f-]{36}$/);
  return loc;
}

function maintain(ubrn: string, files: { url: string; description?: string }[], ifMatch?: string, role = ADAMS_RC_R68) {
  return post(
    sim,
    `${P}/ReferralRequest/${ubrn}/$ers.maintainReferralLetter`,
    maintainBody(files),
    platformHeaders(sim, role, ifMatch ? { 'If-Match': ifMatch } : {}),
  );
}

describe('A020 upload', () => {
  it('keeps the uploaded bytes exactly, for tests to read back', async () => {
    const bytes = new Uint8Array([37, 80, 68, 70, 0, 255, 10]);
    const res = await upload(sim, ADAMS_RC_R68, { name: 'letter.pdf', type: 'application/pdf', bytes });
    const id = res.headers.get('location')!.replace('Binary/', '');
    expect(sim.binaryContent(id)).toEqual(bytes);
    expect(sim.binaryContent('no-such-id')).toBeUndefined();
  });

  it('201 with a relative Location and no body; the binary is recorded with its intended UBRN', async () => {
    const { ubrn } = await createReferral(sim);
    const res = await upload(sim, ADAMS_RC_R68, { ubrn, name: 'a,b letter.txt', type: 'text/plain; charset=utf-8' });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('');
    const id = res.headers.get('location')!.slice('Binary/'.length);
    expect(sim.binaries().find((b) => b.id === id)).toMatchObject({
      intendedUbrn: ubrn,
      contentType: 'text/plain',
      fileName: 'a,b letter.txt',
      linkedUbrn: null,
    });
  });

  it('enforces size, MIME, extension and name rules', async () => {
    const { ubrn } = await createReferral(sim);
    await expectOutcome(await upload(sim, ADAMS_RC_R68, { ubrn, bytes: new Uint8Array(5 * 1024 * 1024 + 1) }), 422, 'FILE_SIZE_ERROR');
    expect((await upload(sim, ADAMS_RC_R68, { ubrn, bytes: new Uint8Array(5 * 1024 * 1024) })).status).toBe(201);
    await expectOutcome(await upload(sim, ADAMS_RC_R68, { ubrn, bytes: '' }), 422, 'FILE_SIZE_ERROR');
    const html = await upload(sim, ADAMS_RC_R68, { ubrn, name: 'x.html', type: 'text/html' });
    expect(html.status).toBe(415);
    expect(html.headers.get('content-type')).toMatch(/^text\/plain/);
    await expectOutcome(await upload(sim, ADAMS_RC_R68, { ubrn, name: 'scan.png', type: 'application/pdf' }), 422, 'CONFLICTING_VALUES');
    await expectOutcome(await upload(sim, ADAMS_RC_R68, { ubrn, name: 'noextension', type: 'text/plain' }), 422, 'CONFLICTING_VALUES');
    await expectOutcome(await upload(sim, ADAMS_RC_R68, { ubrn, name: `${'a'.repeat(252)}.txt` }), 422, 'INVALID_VALUE');
    expect((await upload(sim, ADAMS_RC_R68, { ubrn, name: `${'a'.repeat(251)}.txt` })).status).toBe(201);
    await expectOutcome(await upload(sim, ADAMS_RC_R68, { ubrn, name: '' }), 422, 'MISSING_VALUE');
    await expectOutcome(await upload(sim, ADAMS_RC_R68, { ubrn: '000000099999' }), 422, 'REFERENCE_NOT_FOUND');
    expect((await upload(sim, ADAMS_RC_R68, { ubrn, name: 'photo.JPEG', type: 'image/jpeg' })).status).toBe(201);
  });

  it('legacy: unsupported MIME is 422 INAPPROPRIATE_VALUE and ids look like att-<ubrn>-<n>', async () => {
    const key = await legacySession(sim, TEST_SMARTCARDS.legacyExample, 'REFERRING_CLINICIAN', 'R01');
    const h = (type: string, name: string) =>
      legacyHeaders(key, { 'Content-Type': type, 'X-ERS-XAPI-META-FILE_NAME': name, 'X-ERS-XAPI-META-INTENDED_UBRN': '000000070001' });
    await expectOutcome(
      await fetch(`${sim.url}${L}/Binary`, { method: 'POST', headers: h('text/html', 'x.html'), body: '<p>hi</p>' }),
      422,
      'INAPPROPRIATE_VALUE',
    );
    const ok = await fetch(`${sim.url}${L}/Binary`, { method: 'POST', headers: h('text/plain', 'x.txt'), body: 'hi' });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('location')).toMatch(/^Binary\/att-70001-\d+$/);
    expect(ok.headers.get('x_ers_transaction_id')).toBeTruthy();
  });
});

describe('A012 maintain referral letter', () => {
  it('links files (whole-set replace), bumps the version, returns the new ETag and server-side attachment values', async () => {
    const { ubrn } = await createReferral(sim);
    const f1 = await uploaded(ubrn, 'one.txt');
    const f2 = await uploaded(ubrn, 'two.pdf', 'application/pdf');
    const res = await maintain(ubrn, [{ url: f1, description: 'First' }, { url: f2 }], 'W/"3"');
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get('etag')).toBe('W/"4"');
    expect(body.meta.versionId).toBe('4');
    expect(body.supportingInfo.map((s: any) => s.reference)).toEqual(
      body.contained.filter((x: any) => x.resourceType === 'DocumentReference').map((d: any) => `#${d.id}`),
    );
    const doc = body.contained.find((x: any) => x.resourceType === 'DocumentReference');
    expect(doc.id).toMatch(/^DocumentReference-\d+$/);
    expect(doc.content[0].attachment).toMatchObject({ url: f1, title: 'one.txt', contentType: 'text/plain', size: 20 });
    const ext = (u: string) => doc.content[0].attachment.extension.find((e: any) => e.url.endsWith(u));
    expect(ext('AvailabilityStatus-1').valueCoding.code).toBe('PENDING'); // scan delay 60 s in this suite
    expect(ext('AttachedBy-1').valueReference.identifier.value).toBe(ADAMS_RC_R68.user);
    expect(body.extension.some((e: any) => e.url.endsWith('ClinicalInfoFirstSubmitted-1'))).toBe(true);

    now += 61_000;
    // remove by omission: only the second remains; ClinicalInfoLastUpdated appears
    const res2 = await maintain(ubrn, [{ url: f2 }], 'W/"4"');
    const body2 = await res2.json();
    expect(res2.status).toBe(200);
    expect(body2.meta.versionId).toBe('5');
    expect(body2.supportingInfo).toHaveLength(1);
    expect(body2.extension.some((e: any) => e.url.endsWith('ClinicalInfoLastUpdated-1'))).toBe(true);
    expect(body2.contained.at(-1).content[0].attachment.extension[0].valueCoding.code).toBe('AVAILABLE');
    expect(sim.binaries().find((b) => `Binary/${b.id}` === f1)!.linkedUbrn).toBeNull();
  });

  it('412 without If-Match, 409 on a stale version, 404 for an unknown UBRN', async () => {
    const { ubrn } = await createReferral(sim);
    const f1 = await uploaded(ubrn);
    await expectOutcome(await maintain(ubrn, [{ url: f1 }]), 412, 'PRECONDITION_FAILED');
    await expectOutcome(await maintain(ubrn, [{ url: f1 }], 'W/"2"'), 409, 'VERSION_CONFLICT');
    await expectOutcome(await maintain('000000099999', [{ url: f1 }], 'W/"3"'), 404, 'REFERENCE_NOT_FOUND');
  });

  it('business rules: MISSING_VALUE, NO_CHANGES_DETECTED, DUPLICATE_FILENAME, REFERENCE_NOT_FOUND, INAPPROPRIATE_VALUE', async () => {
    const { ubrn } = await createReferral(sim);
    const other = await createReferral(sim);
    const f1 = await uploaded(ubrn, 'same.txt');
    const f2 = await uploaded(ubrn, 'same.txt');
    await expectOutcome(await maintain(ubrn, [], 'W/"3"'), 422, 'MISSING_VALUE');
    await expectOutcome(await maintain(ubrn, [{ url: f1 }, { url: f2 }], 'W/"3"'), 422, 'DUPLICATE_FILENAME');
    await expectOutcome(await maintain(ubrn, [{ url: f1 }, { url: f1 }], 'W/"3"'), 422, 'DUPLICATE_FILENAME');
    await expectOutcome(await maintain(ubrn, [{ url: 'Binary/00000000-0000-0000-0000-000000000000' }], 'W/"3"'), 422, 'REFERENCE_NOT_FOUND');
    const noUbrn = (await upload(sim, ADAMS_RC_R68, { name: 'x.txt' })).headers.get('location')!;
    expect(await expectOutcome(await maintain(ubrn, [{ url: noUbrn }], 'W/"3"'), 422, 'INAPPROPRIATE_VALUE')).toContain('NHSD-eRS-Referral-ID');
    const forOther = await uploaded(other.ubrn, 'o.txt');
    await expectOutcome(await maintain(ubrn, [{ url: forOther }], 'W/"3"'), 422, 'INAPPROPRIATE_VALUE');
    expect((await maintain(ubrn, [{ url: f1 }], 'W/"3"')).status).toBe(200);
    await expectOutcome(await maintain(ubrn, [{ url: f1 }], 'W/"4"'), 422, 'NO_CHANGES_DETECTED');
    const bad: any = maintainBody([{ url: f1 }]);
    bad.parameter[0].resource.contentSensitive = true;
    await expectOutcome(
      await post(sim, `${P}/ReferralRequest/${ubrn}/$ers.maintainReferralLetter`, bad, platformHeaders(sim, ADAMS_RC_R68, { 'If-Match': 'W/"4"' })),
      422,
      'UNEXPECTED_FIELD',
    );
    await expectOutcome(await maintain(ubrn, [{ url: f1 }], 'W/"4"', BAKER_RCA), 422, 'NO_RELATIONSHIP');
  });

  it('423 when another update on the same UBRN is in progress', async () => {
    const { ubrn } = await createReferral(sim);
    const f1 = await uploaded(ubrn, 'a.txt');
    const f2 = await uploaded(ubrn, 'b.txt');
    sim.injectFault({ route: 'A012', kind: 'latency', ms: 300 });
    const [r1, r2] = await Promise.all([
      maintain(ubrn, [{ url: f1 }], 'W/"3"'),
      new Promise((r) => setTimeout(r, 50)).then(() => maintain(ubrn, [{ url: f2 }], 'W/"3"')),
    ]);
    expect(r1.status).toBe(200);
    await expectOutcome(r2, 423, 'REFERRAL_LOCKED');
    sim.clearFaults();
    // after the lock is released the stale version now conflicts
    await expectOutcome(await maintain(ubrn, [{ url: f2 }], 'W/"3"'), 409, 'VERSION_CONFLICT');
  });
});

describe('A019 patient letter', () => {
  /** A019 for `ubrn` as `role`, asking for `accept`. */
  const patientLetter = (ubrn: string, role = ADAMS_RC_R68, accept = 'application/pdf') =>
    post(sim, `${P}/ReferralRequest/${ubrn}/$ers.generatePatientLetter`, '', platformHeaders(sim, role, { Accept: accept }));

  it('returns a valid PDF with the UBRN, patient and shortlist, and the documented file name', async () => {
    const { ubrn } = await createReferral(sim, ['11002', '51002']);
    const res = await patientLetter(ubrn);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const stamp = new Date(now).toISOString().replace(/[-:T]/g, '').slice(0, 14);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${ubrn}_Booking_Instructions_${stamp}.pdf"`);
    const buf = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(buf.length);
    expect(buf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = await pdfText(buf);
    for (const shown of [
      '0000 0007 0002',
      'John SMITH',
      '991 200 3888',
      'Good Cardiology Business Service',
      'Good Cardiology Triage Service',
      '0345 608 8888',
    ]) {
      expect(text).toContain(shown);
    }
  });

  it('a referral sent to triage gets a Triage_Summary letter saying the service will contact the patient', async () => {
    const res = await post(
      sim,
      `${P}/ReferralRequest/$ers.createReferralAndSendForTriage`,
      createBody({ services: ['11004'], criteria: CARDIO_HF, triage: true }),
      platformHeaders(sim, ADAMS_RC_R68),
    );
    const { id } = await res.json();
    const letter = await patientLetter(id);
    expect(letter.headers.get('content-disposition')).toContain('_Triage_Summary_');
    const text = await pdfText(Buffer.from(await letter.arrayBuffer()));
    expect(text).toContain('will contact you by');
  });

  it('errors are JSON: NO_ACCESS_CODE, 404, NO_RELATIONSHIP; 406 when PDF is not acceptable', async () => {
    const res = await post(
      sim,
      `${P}/ReferralRequest/$ers.createReferral`,
      createBody({ patient: '9321456783', services: ['11002'], criteria: CARDIO_HF }),
      platformHeaders(sim, ADAMS_RC_R68),
    );
    const { id } = await res.json();
    const noCode = await patientLetter(id);
    expect(noCode.headers.get('content-type')).toMatch(/application\/fhir\+json/);
    await expectOutcome(noCode, 422, 'NO_ACCESS_CODE');
    await expectOutcome(await patientLetter('000000099999'), 404, 'REFERENCE_NOT_FOUND');
    await expectOutcome(await patientLetter('000000070000', BAKER_RCA), 422, 'NO_RELATIONSHIP');
    expect((await patientLetter('000000070000', ADAMS_RC_R68, 'text/html')).status).toBe(406);
  });

  it("the letter is read by a PDF reader with the patient's identifiers on every page", async () => {
    const { ubrn } = await createReferral(sim, ['11002', '51002']);
    const res = await patientLetter(ubrn);
    const pages = await pdfPages(new Uint8Array(await res.arrayBuffer()));
    for (const [i, page] of pages.entries()) {
      expect(page).toContain('John SMITH - NHS number 991 200 3888');
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
    }
  });
});
