// The side panel's messages to the background for the referral workflow. All from extension pages
// only: content scripts can never search, submit or read drafts' progress.
import { z } from 'zod';
import type { SearchResult } from '../ers/client';
import { COMMISSIONING_PROVISIONING, PRIORITIES, REQUEST_TYPES, SORT_BY } from 'ers-contract';
import { isValidNhsNumber } from 'ers-contract/nhs-number';
import { defineMessage, FROM_PAGES, messageSchema } from '../messaging/kit';
import type { SubmissionPhase } from './model';
import type { ReferenceData } from './panel-api';

const code = z.string().regex(/^[A-Z0-9_]{1,60}$/);
const digits = (n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`));

/** Search criteria as the panel sends them; key order is kept (it is the order sent to e-RS). */
export const searchCriteriaSchema = z
  .object({
    priority: z.enum(PRIORITIES),
    specialty: code.optional(),
    clinicType: code.optional(),
    indicativeAppointmentWaitTimeLimit: z.number().int().min(0).max(999).optional(),
    postcode: z
      .string()
      .regex(/^[A-Za-z0-9 ]{2,10}$/)
      .optional(),
    distanceLimit: z.number().int().min(0).max(1000).optional(),
    clinicalTerm: z
      .string()
      .regex(/^\d{1,18}$/)
      .optional(),
    namedClinician: digits(12).optional(),
    commissioningProvisioning: z.enum(COMMISSIONING_PROVISIONING).optional(),
    organisation: z
      .string()
      .regex(/^[A-Z0-9]{3,10}$/)
      .optional(),
    ageAndGenderAppropriate: z.boolean(),
  })
  .strict();

export const searchInputSchema = z
  .object({
    nhsNumber: digits(10).refine(isValidNhsNumber, 'NHS number fails the modulus 11 check'),
    criteria: searchCriteriaSchema,
    sortBy: z.enum(SORT_BY).optional(),
    requestType: z.enum(REQUEST_TYPES).optional(),
    referringClinician: digits(12).optional(),
    commissioningRuleOrganisation: z
      .string()
      .regex(/^[A-Z0-9]{3,10}$/)
      .optional(),
    specialtySystem: z.string().url().max(2048).optional(),
  })
  .strict();

const draftId = z.string().min(3).max(400);

export interface PanelPreferences {
  draftTtlMs: number;
  defaultPriority?: string;
  defaultSpecialty?: string;
  defaultDistance?: number;
  /** The settings' request type: whether the panel starts on "Refer" or "Ask for advice". */
  requestType?: string;
  /** Administrators' letter templates as set (checked by the panel with utils/letter/template.ts). */
  letterTemplates?: unknown[];
}

export const referralMessages = {
  'ers/reference': defineMessage<ReferenceData>()(messageSchema('ers/reference'), FROM_PAGES),
  'ers/search': defineMessage<SearchResult>()(messageSchema('ers/search', { input: searchInputSchema }), FROM_PAGES),
  /** Submit the draft (refused unless the given tab still shows the draft's patient), then drive it on. */
  'referral/submit': defineMessage<{ phase: SubmissionPhase }>()(
    messageSchema('referral/submit', { draftId, tabId: z.number().int().nonnegative().optional() }),
    FROM_PAGES,
  ),
  /** Continue a submission; a draft not sent yet gets the submit checks against the given tab. */
  'referral/resume': defineMessage<{ phase: SubmissionPhase }>()(
    messageSchema('referral/resume', { draftId, tabId: z.number().int().nonnegative().optional() }),
    FROM_PAGES,
  ),
  /** What signing out would remove: the number of the user's drafts still being edited. */
  'referral/sign-out-preview': defineMessage<{ editingDrafts: number }>()(messageSchema('referral/sign-out-preview'), FROM_PAGES),
  /**
   * After a create whose outcome is unknown: use one of the referrals found on e-RS's worklist, look
   * again, or send again. Sending again needs the user's explicit "I have checked e-RS and it was not
   * created" (`confirmedNotCreated: true`); nothing else ever sends a create twice.
   */
  'referral/reconcile': defineMessage<{ phase: SubmissionPhase }>()(
    messageSchema('referral/reconcile', {
      draftId,
      tabId: z.number().int().nonnegative().optional(),
      action: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('choose'), ubrn: digits(12) }).strict(),
        z.object({ kind: z.literal('recheck') }).strict(),
        z.object({ kind: z.literal('resend'), confirmedNotCreated: z.literal(true) }).strict(),
      ]),
    }),
    FROM_PAGES,
  ),
  'referral/complete-letter': defineMessage<{ phase: SubmissionPhase }>()(messageSchema('referral/complete-letter', { draftId }), FROM_PAGES),
  'referral/preferences': defineMessage<PanelPreferences>()(messageSchema('referral/preferences'), FROM_PAGES),
  'referral/remember-search': defineMessage<null>()(
    messageSchema('referral/remember-search', { priority: z.enum(PRIORITIES), specialty: code.optional() }),
    FROM_PAGES,
  ),
} as const;

export { DRAFT_CHANGED } from './events';
