// Booking rules: "expect contact by" working days (weekends and England and Wales bank holidays) and the A034 cancellation reasons.
import { readFileSync } from 'node:fs';
import { examplePath } from 'ers-contract/files';
import { describe, expect, it } from 'vitest';
import { addWorkingDays, bankHolidays, contactDays, expectContactBy } from '../../utils/booking/contact-by';
import { parseConcepts } from '../../utils/ers';
import { codeSystemSchema } from '../../utils/ers/schemas';

describe('England and Wales bank holidays', () => {
  it('match the published lists, substitutes and proclaimed changes included', () => {
    expect(bankHolidays(2026)).toEqual(['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']);
    expect(bankHolidays(2022)).toEqual([
      '2022-01-03',
      '2022-04-15',
      '2022-04-18',
      '2022-05-02',
      '2022-06-02',
      '2022-06-03',
      '2022-08-29',
      '2022-09-19',
      '2022-12-26',
      '2022-12-27',
    ]);
    expect(bankHolidays(2027)).toEqual(['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28']);
  });
});

describe('working days', () => {
  it('skip the weekend and the Christmas and Boxing Day substitutes', () => {
    expect(addWorkingDays(new Date('2026-12-23T10:00:00Z'), 2)).toBe('2026-12-29'); // 24th, (25th, 26–27 weekend, 28th substitute) 29th
    expect(addWorkingDays(new Date('2026-04-02T10:00:00Z'), 1)).toBe('2026-04-07'); // Good Friday and Easter Monday skipped
  });

  it('count from the UK calendar day (23:30 UTC in summer is already the next day)', () => {
    expect(addWorkingDays(new Date('2026-07-02T23:30:00Z'), 1)).toBe('2026-07-06');
  });

  it('take the days from A004 PRIORITY for a deferral or a triage', () => {
    const priority = parseConcepts(codeSystemSchema.parse(JSON.parse(readFileSync(examplePath('platform/A004_response_PRIORITY.json'), 'utf8'))));
    const days = contactDays(priority, 'URGENT', 'triage');
    expect(typeof days).toBe('number');
    expect(expectContactBy('2026-12-23T10:00:00Z', days)).toBe(addWorkingDays(new Date('2026-12-23T10:00:00Z'), days!));
    expect(expectContactBy('not a date', 3)).toBeUndefined();
  });
});

describe('appointment cancellation reasons', () => {
  it('keeps the four referrer CANCEL codes of the sample data, with their mandatory comments', async () => {
    const { cancellationReasons } = await import('../../utils/booking/cancel-reasons');
    const cs = codeSystemSchema.parse(JSON.parse(readFileSync(examplePath('platform/A004_response_APPOINTMENT-CANCELLATION-REASON.json'), 'utf8')));
    const reasons = cancellationReasons(cs, 'REFERRING_CLINICIAN', new Date('2026-01-01'));
    expect(reasons.map((r) => [r.code, r.commentIsMandatory]).sort()).toEqual([
      ['PATIENT_APPOINTMENT_CANCELLATION_OTHER', true],
      ['PATIENT_HOLIDAY', false],
      ['PATIENT_ILL', false],
      ['PATIENT_OTHER_ENGAGEMENT', true],
    ]);
    expect(cancellationReasons(cs, 'SERVICE_PROVIDER_CLINICIAN', new Date('2026-01-01')).some((r) => r.code === 'PATIENT_ILL')).toBe(false);
  });
});

describe('the booking step after a create', () => {
  it('books the first directly bookable service, says the patient phones an indirectly bookable one, and offers nothing after triage', async () => {
    const { bookingStepFor, bookableReferral } = await import('../../utils/booking/step');
    const ibs = { id: '1', name: 'Phone Clinic', bookableType: 'INDIRECTLY_BOOKABLE' as const, isTriage: false };
    const dbs = { id: '2', name: 'Book Clinic', bookableType: 'DIRECTLY_BOOKABLE' as const, isTriage: false };
    expect(bookingStepFor([ibs, dbs], false)).toEqual({ kind: 'book', serviceId: '2', serviceName: 'Book Clinic' });
    expect(bookingStepFor([ibs], false)).toEqual({ kind: 'patient-phones', serviceName: 'Phone Clinic' });
    expect(bookingStepFor([dbs], true)).toEqual({ kind: 'none' });
    expect(bookableReferral({ ubrn: '000000070000', version: '4' }, '9434765919', 'ROUTINE')).toMatch(/commissioning organisation/);
    expect(bookableReferral({ ubrn: '000000070000', version: '4', commissioningRuleOrg: 'R69' }, '9434765919', 'ROUTINE')).toMatchObject({
      commissioningRuleOrg: 'R69',
    });
  });
});
