// The side panel's messages for tracking referrals. Extension pages only: content scripts never read
// worklists or act on referrals.
import { z } from 'zod';
import type { ReferrerWorklist } from 'ers-contract';
import type { CancellationReason } from '../ers/cancellation';
import type { ReferralSummary } from '../ers/parse';
import { defineMessage, FROM_PAGES, messageSchema } from '../messaging/kit';
import type { CancelResult } from './cancel';
import type { ConvertedReferral } from './converted';
import type { FileAnswer } from './files';
import type { ShownList } from './refresh';

const ubrn = z.string().regex(/^\d{12}$/);

export interface WorklistsAnswer {
  signedIn: boolean;
  /** SDS user id the lists belong to (for "mine"). */
  userId?: string;
  intervalMinutes: number;
  lists: Partial<Record<ReferrerWorklist, ShownList>>;
  /** This user's A&G requests converted into referrals that no worklist has listed yet (./converted.ts). */
  converted?: ConvertedReferral[];
}

export const trackingMessages = {
  /** The cached lists with their age; `refresh` fetches the lists that are due first (at most once per interval). */
  'tracking/worklists': defineMessage<WorklistsAnswer>()(messageSchema('tracking/worklists', { refresh: z.boolean().optional() }), FROM_PAGES),
  /** A referral now (A005) and what may be done with it now (A029, never cached). */
  'tracking/referral': defineMessage<{ referral: ReferralSummary; actions: string[] }>()(messageSchema('tracking/referral', { ubrn }), FROM_PAGES),
  /** The cancellation reasons this role may use for this referral (A004, filtered). */
  'tracking/cancel-reasons': defineMessage<{ reasons: CancellationReason[] }>()(messageSchema('tracking/cancel-reasons', { ubrn }), FROM_PAGES),
  /** Cancel at most once (A036; a lost answer is resolved by reading back). */
  'tracking/cancel': defineMessage<CancelResult>()(
    messageSchema('tracking/cancel', {
      ubrn,
      etag: z.string().regex(/^W\/"\d+"$/),
      reason: z.string().regex(/^[A-Z0-9_]{1,60}$/),
      comment: z.string().max(2000).optional(),
    }),
    FROM_PAGES,
  ),
  /** The referral's clinical information summary (A007 PDF), the provider's response included. */
  'tracking/clinical-info': defineMessage<FileAnswer>()(messageSchema('tracking/clinical-info', { ubrn }), FROM_PAGES),
  /** One attachment of this referral (A042, the redirect followed each time): only one A005 lists on it. */
  'tracking/attachment': defineMessage<FileAnswer>()(
    messageSchema('tracking/attachment', { ubrn, url: z.string().regex(/^Binary\/[A-Za-z0-9._-]{1,128}$/) }),
    FROM_PAGES,
  ),
} as const;
