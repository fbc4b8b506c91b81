// The side panel's messages for tracking referrals. Extension pages only: content scripts never read
// worklists or act on referrals.
import { z } from 'zod';
import type { ReferrerWorklist } from 'ers-contract';
import type { CancellationReason } from '../ers/lifecycle';
import type { ReferralSummary } from '../ers/parse';
import { defineMessage, FROM_PAGES, messageSchema } from '../messaging/kit';
import type { CancelResult } from './cancel';
import type { ShownList } from './refresh';

const ubrn = z.string().regex(/^\d{12}$/);

export interface WorklistsAnswer {
  signedIn: boolean;
  /** SDS user id the lists belong to (for "mine"). */
  userId?: string;
  intervalMinutes: number;
  lists: Partial<Record<ReferrerWorklist, ShownList>>;
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
} as const;
