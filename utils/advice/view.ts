// What the side panel shows about A&G requests, as pure functions: the request counter, the
// problems that stop a Send (with the role rule in the user's terms), each status in plain English
// with what the user can do, and the list in the order a user works through it.
import { MAX_ADVICE_REQUEST_CHARS, type AdviceStatus } from '../ers/advice-codes';
import type { RecordItem } from '../letter/model';
import { RECORD_FIELDS, type RecordField } from '../letter/template';
import type { AdviceRecord } from './model';
import { replyWaiting } from './tracking';

/** "1,234 of 8,000 characters", and whether the text is over the limit. */
export function requestCounter(text: string): { label: string; over: boolean } {
  const n = text.length;
  return { label: `${n.toLocaleString('en-GB')} of ${MAX_ADVICE_REQUEST_CHARS.toLocaleString('en-GB')} characters`, over: n > MAX_ADVICE_REQUEST_CHARS };
}

/** Everything that stops this request being sent, in the order the form asks for it. */
export function composeProblems(record: AdviceRecord, businessFunction: string | undefined): string[] {
  const problems: string[] = [];
  if (!record.service) problems.push('Choose the advice service to ask.');
  if (!record.request.trim()) problems.push('Write the question for the specialist.');
  else if (record.request.length > MAX_ADVICE_REQUEST_CHARS) {
    problems.push(
      `Shorten the question to ${MAX_ADVICE_REQUEST_CHARS.toLocaleString('en-GB')} characters (it has ${record.request.length.toLocaleString('en-GB')}).`,
    );
  }
  if (!record.conversion) problems.push('Choose whether the provider may convert this request into a referral.');
  if (businessFunction === 'REFERRING_CLINICIAN_ADMIN' && !record.referringClinician) {
    problems.push('As a referring clinician admin, name the referring clinician you are asking for.');
  }
  if (businessFunction !== 'REFERRING_CLINICIAN_ADMIN' && record.referringClinician) {
    problems.push('As a referring clinician you are the referrer: remove the named referring clinician.');
  }
  return problems;
}

const STATUS_TEXT: Record<AdviceStatus, { label: string; action: string }> = {
  PROVIDER_RESPONSE_REQUIRED: { label: 'Waiting for the provider', action: 'Nothing to do until the provider replies.' },
  REFERRER_TO_SUBMIT_FURTHER_INFORMATION: {
    label: 'The provider asked for more information',
    action: 'Read the conversation, then reply in the e-RS web application.',
  },
  REFERRER_TO_REVIEW_RESPONSE: { label: 'Advice received', action: 'Read the advice; reply or close the conversation in the e-RS web application.' },
  CONVERSATION_ENDED_CANCELLED: { label: 'Cancelled', action: 'The conversation has ended.' },
  CONVERSATION_ENDED_CLOSED: { label: 'Closed', action: 'The conversation has ended. Save the overview PDF for the record if you have not.' },
  ADVICE_CONVERTED: {
    label: 'Converted to a referral',
    action: 'The provider turned this into a referral with the same UBRN; it is now followed with your referrals.',
  },
};

/** The status line of a request, for the list and its page. */
export function statusText(record: AdviceRecord): { label: string; action: string } {
  switch (record.phase) {
    case 'editing':
    case 'ready':
      return { label: 'Not sent', action: record.error?.message ?? 'Finish the request and send it.' };
    case 'uploading':
    case 'creating':
      return { label: 'Sending', action: 'Sending to e-RS.' };
    case 'outcome-unknown':
      return {
        label: 'Not known whether e-RS received it',
        action: 'It has NOT been sent again. Check your Advice and Guidance requests in the e-RS web application.',
      };
    default:
      return STATUS_TEXT[record.tracking?.status as AdviceStatus] ?? { label: record.tracking?.status ?? 'Sent', action: '' };
  }
}

/** Replies waiting first, then anything needing attention, then the newest. */
export function sortForList(records: readonly AdviceRecord[]): AdviceRecord[] {
  const rank = (r: AdviceRecord) => (replyWaiting(r) ? 0 : r.phase === 'outcome-unknown' || r.error ? 1 : r.phase === 'sent' ? 3 : 2);
  return [...records].sort((a, b) => rank(a) - rank(b) || b.updatedAt - a.updatedAt);
}

/**
 * Where the user replies, ends or follows up a conversation: the e-RS web application, since the
 * referrer API has none of these (packages/ers-contract/docs/referral-lifecycle.md). Live e-RS is at
 * ers.nhs.uk; the simulator's index page stands in for it; other environments have no known address.
 */
export function webAppAddress(environment: string, platformBaseUrl: string): string | undefined {
  if (environment === 'production') return 'https://ers.nhs.uk/';
  if (environment !== 'simulator') return undefined;
  try {
    return `${new URL(platformBaseUrl).origin}/`;
  } catch {
    return undefined;
  }
}

const RECORD_HEADINGS: Record<RecordField, string> = { problems: 'Problems', medications: 'Medication', allergies: 'Allergies' };

/**
 * The record's problems, medication and allergies (utils/letter/model.ts recordItemsFrom: only from a
 * reading of this request's patient) as lines for the question, one per list.
 */
export function recordText(items: readonly Pick<RecordItem, 'field' | 'text'>[]): string {
  return RECORD_FIELDS.map((f) => [f, items.filter((i) => i.field === f).map((i) => i.text)] as const)
    .filter(([, texts]) => texts.length > 0)
    .map(([f, texts]) => `${RECORD_HEADINGS[f]}: ${texts.join('; ')}`)
    .join('\n');
}

/** The question with the record's lines added at the end (a blank line apart). */
export function withRecordText(request: string, lines: string): string {
  const head = request.trimEnd();
  return head ? `${head}\n\n${lines}` : lines;
}
