// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { TEST_PATIENTS } from 'ers-simulator/patients';
import { DEMO_PATIENTS } from 'ers-simulator/demo';
import { BUILTIN_ACTIVE_ADAPTERS } from '../../utils/patient/adapters/builtin';
import { readPatientContext } from '../../utils/patient/parse';
import { readGeneric } from '../../utils/patient/generic';
import { demoUrl, loadDemoPage } from './helpers';

const expected = (nhs: string) => {
  const p = TEST_PATIENTS.find((x) => x.nhsNumber === nhs)!;
  return {
    nhsNumber: p.nhsNumber,
    name: { family: p.family, given: [p.given], prefix: p.title },
    birthDate: p.birthDate,
    gender: p.sex,
    postcode: p.postcode,
    ...(p.gpPractice ? { gpPractice: p.gpPractice } : {}),
  };
};

describe('each demo system shows the right patient to its adapter', () => {
  const cases = DEMO_PATIENTS.flatMap((p) => [
    ['demo-gp', `gp/record-${p.nhsNumber}.html`, p.nhsNumber],
    ['demo-epr', `epr/patient-${p.nhsNumber}.html`, p.nhsNumber],
  ]);
  it.each(cases)('%s reads %s', (adapterId, rel, nhs) => {
    const report = readPatientContext(loadDemoPage(rel), demoUrl(rel), BUILTIN_ACTIVE_ADAPTERS, 1);
    expect(report.status).toBe('single');
    expect(report.source.adapterId).toBe(adapterId);
    expect(report.confidence).toBe(1);
    expect(report.patient).toMatchObject(expected(nhs));
    const p = TEST_PATIENTS.find((x) => x.nhsNumber === nhs)!;
    expect(report.patient!.problems).toEqual(p.problems ?? []);
    expect(report.patient!.medications).toEqual(p.medications ?? []);
    expect(report.patient!.allergies).toEqual(p.allergies ?? []);
  });

  it('GP record keeps the address as shown', () => {
    const r = readPatientContext(loadDemoPage('gp/record-9434765919.html'), demoUrl('gp/record-9434765919.html'), BUILTIN_ACTIVE_ADAPTERS);
    expect(r.patient!.address).toBe('12 Park Row, Leeds, LS1 4AP');
  });

  it.each([
    ['gp/index.html', 'none'],
    ['list/clinic.html', 'ambiguous'],
  ])('a page listing many patients (%s) opens no patient: %s', (rel, status) => {
    const r = readPatientContext(loadDemoPage(rel), demoUrl(rel), BUILTIN_ACTIVE_ADAPTERS);
    expect(r.status).toBe(status);
    expect(r.patient).toBeUndefined();
    expect(r.reason).toBeTruthy();
  });
});

describe('the generic reader agrees with the adapter on demo GP pages', () => {
  it.each(DEMO_PATIENTS.map((p) => [p.nhsNumber]))('GP record %s', (nhs) => {
    const r = readGeneric(loadDemoPage(`gp/record-${nhs}.html`), 'https://other.example/x');
    expect(r.status).toBe('single');
    expect(r.source.adapterId).toBe('generic');
    expect(r.patient).toMatchObject({ nhsNumber: nhs, name: expected(nhs).name, birthDate: expected(nhs).birthDate, gender: expected(nhs).gender });
    expect(r.confidence).toBeGreaterThanOrEqual(0.9);
  });
});
