// Whole-identity comparison used by the draft binding, the panel and the submit guard.
import { describe, expect, it } from 'vitest';
import { identityMismatch } from '../../utils/patient/identity';
import type { PatientContextReport } from '../../utils/patient/types';

const bound = { nhsNumber: '9990792445', displayName: 'OSEI, Kwame (Mr)', birthDate: '1979-10-10', gender: 'male' };
const shown = (patient: Partial<NonNullable<PatientContextReport['patient']>>): PatientContextReport => ({
  status: 'single',
  confidence: 1,
  observedAt: 1,
  source: { adapterId: 'generic', url: 'https://ward.example/', title: '' },
  patient: { nhsNumber: '9990792445', name: { family: 'OSEI', given: ['Kwame'], prefix: 'Mr' }, birthDate: '1979-10-10', gender: 'male', ...patient },
});

describe('identityMismatch (the submit guard’s comparison with a fresh read)', () => {
  it('accepts the same patient, including fields the page does not show', () => {
    expect(identityMismatch(bound, shown({}))).toBeUndefined();
    expect(identityMismatch(bound, shown({ birthDate: undefined, gender: undefined }))).toBeUndefined();
    expect(identityMismatch(bound, shown({ name: { family: 'Osei', given: ['KWAME'] } }))).toBeUndefined();
  });

  it('refuses the same NHS number with another date of birth, sex or name', () => {
    expect(identityMismatch(bound, shown({ birthDate: '1962-01-15' }))).toMatch(/date of birth differs/);
    expect(identityMismatch(bound, shown({ gender: 'female' }))).toMatch(/sex differs/);
    expect(identityMismatch(bound, shown({ name: { family: 'PRICE', given: ['Linda'] } }))).toMatch(/name differs/);
  });

  it('refuses another NHS number, and a page that shows no single patient', () => {
    expect(identityMismatch(bound, shown({ nhsNumber: '9990268592' }))).toMatch(/NHS number differs/);
    expect(identityMismatch(bound, { ...shown({}), status: 'none', patient: undefined, reason: 'The record is still changing' })).toMatch(
      /does not clearly show OSEI, Kwame \(Mr\).*still changing/,
    );
    expect(identityMismatch(bound, undefined)).toMatch(/does not clearly show/);
  });
});
