// What the panel says about A&G requests: the counter, the problems that stop a Send (the role
// rule for both roles), the status lines and the list order (replies waiting first).
import { describe, expect, it } from 'vitest';
import type { AdviceRecord } from '../../utils/advice/model';
import { composeProblems, requestCounter, sortForList, statusText } from '../../utils/advice/view';
import { adviceRecord } from '../helpers/advice';

const base = adviceRecord({
  service: { id: '11010', name: 'Cardiology A&G' },
  request: 'Question?',
  conversion: 'NOT_AUTHORISED_TO_CONVERT',
});

describe('A&G panel text', () => {
  it('counts characters against 8,000 and flags the excess', () => {
    expect(requestCounter('x'.repeat(1234))).toEqual({ label: '1,234 of 8,000 characters', over: false });
    expect(requestCounter('x'.repeat(8001)).over).toBe(true);
  });

  it('lists what stops a Send, including the role rule for an admin and for a clinician', () => {
    expect(composeProblems(base, 'REFERRING_CLINICIAN')).toEqual([]);
    expect(composeProblems({ ...base, service: undefined, conversion: undefined, request: ' ' }, 'REFERRING_CLINICIAN')).toEqual([
      'Choose the advice service to ask.',
      'Write the question for the specialist.',
      'Choose whether the provider may convert this request into a referral.',
    ]);
    expect(composeProblems(base, 'REFERRING_CLINICIAN_ADMIN')).toEqual(['As a referring clinician admin, name the referring clinician you are asking for.']);
    expect(composeProblems({ ...base, referringClinician: '021600556514' }, 'REFERRING_CLINICIAN')).toEqual([
      'As a referring clinician you are the referrer: remove the named referring clinician.',
    ]);
  });

  it('says plainly what each state means; an unknown send is never called sent', () => {
    expect(statusText({ ...base, phase: 'outcome-unknown' }).action).toMatch(/NOT been sent again/);
    expect(statusText({ ...base, phase: 'sent', tracking: { status: 'REFERRER_TO_REVIEW_RESPONSE', version: '2' } }).label).toBe('Advice received');
  });

  it('puts replies waiting first, then problems, then the rest newest first', () => {
    const sent = (id: string, status: string, updatedAt: number, seen = '1'): AdviceRecord => ({
      ...base,
      id,
      phase: 'sent',
      ubrn: '000000070002',
      updatedAt,
      tracking: { status, version: '2', seenVersion: seen },
    });
    const list = sortForList([
      sent('old', 'PROVIDER_RESPONSE_REQUIRED', 1),
      { ...base, id: 'unknown', phase: 'outcome-unknown', updatedAt: 2 },
      sent('reply', 'REFERRER_TO_REVIEW_RESPONSE', 0),
      sent('new', 'PROVIDER_RESPONSE_REQUIRED', 5),
    ]);
    expect(list.map((r) => r.id)).toEqual(['reply', 'unknown', 'new', 'old']);
  });
});
