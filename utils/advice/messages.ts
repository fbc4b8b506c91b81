// The side panel's messages to the background for Advice and Guidance. Extension pages only: a
// content script can never start, send or read an A&G request. The A&G service search is the
// referral feature's `ers/search` with requestType ADVICE_AND_GUIDANCE_REQUEST.
import { z } from 'zod';
import { CONVERSION_AUTHORISATIONS, MAX_ADVICE_REQUEST_CHARS, type AdviceMessage, type AdviceSummary } from '../ers/advice';
import { defineMessage, FROM_PAGES, messageSchema } from '../messaging/kit';
import { isValidNhsNumber } from 'ers-contract/nhs-number';
import type { AdviceRecord } from './model';

const id = z.string().min(3).max(200);
const tabId = z.number().int().nonnegative().optional();
const digits = (n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`));

const criteriaResource = z.looseObject({ resourceType: z.literal('Parameters'), id: z.string().optional(), parameter: z.array(z.unknown()) });

/** The editable parts of a request; the patient is fixed when it is started from the page. */
const adviceEdit = z
  .object({
    service: z
      .object({ id: z.string().regex(/^[A-Za-z0-9-]{1,20}$/), name: z.string().max(300) })
      .strict()
      .optional(),
    criteria: criteriaResource.optional(),
    request: z.string().max(MAX_ADVICE_REQUEST_CHARS * 2),
    files: z
      .array(z.object({ key: z.string().max(200), name: z.string().max(255), contentType: z.string().max(200), size: z.number().int().nonnegative() }).strict())
      .max(20),
    conversion: z.enum(CONVERSION_AUTHORISATIONS).optional(),
    referringClinician: digits(12).optional(),
  })
  .strict();

export interface AdviceListView {
  records: AdviceRecord[];
  /** Requests with a reply the user has not opened. */
  replies: number;
}

export const adviceMessages = {
  /** Start (or update, while not sent) the signed-in user's request for the patient the tab shows. */
  'advice/save': defineMessage<AdviceRecord>()(
    messageSchema('advice/save', {
      id,
      patient: z
        .object({
          nhsNumber: digits(10).refine(isValidNhsNumber, 'NHS number fails the modulus 11 check'),
          displayName: z.string().min(1).max(200),
          birthDate: z.string().max(20).optional(),
          gender: z.string().max(20).optional(),
        })
        .strict(),
      edit: adviceEdit,
    }),
    FROM_PAGES,
  ),
  /** Send at most once (refused unless the tab shows this request's patient right now). */
  'advice/send': defineMessage<AdviceRecord>()(messageSchema('advice/send', { id, tabId }), FROM_PAGES),
  /** After an unknown outcome: read back, or (with the user's explicit confirmation) allow one more send. */
  'advice/resolve': defineMessage<{ kind: string; record: AdviceRecord; message?: string }>()(
    messageSchema('advice/resolve', { id, confirmedNotCreated: z.literal(true).optional() }),
    FROM_PAGES,
  ),
  /**
   * This user's requests (polling those due first) and the number of replies waiting. `checkNow`:
   * the user asked to check, so every request is read now except those e-RS asked us to wait for.
   */
  'advice/list': defineMessage<AdviceListView>()(messageSchema('advice/list', { checkNow: z.literal(true).optional() }), FROM_PAGES),
  /** A request's summary and conversation (A024 + A025); marks the reply as read. */
  'advice/conversation': defineMessage<{ summary: AdviceSummary; messages: AdviceMessage[]; webAppUrl?: string }>()(
    messageSchema('advice/conversation', { id }),
    FROM_PAGES,
  ),
  /** One attachment of a request's conversation (A042), base64. */
  'advice/attachment': defineMessage<{ fileName: string; contentType: string; base64: string }>()(
    messageSchema('advice/attachment', { id, url: z.string().regex(/^Binary\/[A-Za-z0-9-]{1,64}$/) }),
    FROM_PAGES,
  ),
  /** The A043 overview PDF (base64), for filing in the record. */
  'advice/pdf': defineMessage<{ fileName: string; base64: string }>()(messageSchema('advice/pdf', { id }), FROM_PAGES),
} as const;

export const ADVICE_CHANGED = 'advice/changed' as const;
export interface AdviceChangedEvent {
  type: typeof ADVICE_CHANGED;
  id: string;
}
