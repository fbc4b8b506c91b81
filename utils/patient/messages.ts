// Messages from the content script to the background about the patient on the host page, as zod
// schemas (the lead's protocol module adopts these). The content script imports only the *types*
// from here (`import type`), so zod never reaches its bundle.
import { z } from 'zod';
import { isValidNhsNumber } from 'ers-contract/nhs-number';
import { MAX_PROVENANCE_CHARS, type PageRead, type PatientContext, type PatientContextReport, type PatientField, type ProvenanceField } from './types';

const PROVENANCE_FIELDS: ProvenanceField[] = ['nhsNumber', 'name', 'birthDate', 'gender', 'postcode'];

const text = (max = 300) => z.string().max(max);

export const PatientContextSchema = z.object({
  nhsNumber: z
    .string()
    .regex(/^\d{10}$/)
    .refine(isValidNhsNumber, 'NHS number fails the modulus 11 check'),
  name: z.object({ family: text().min(1), given: z.array(text()).max(10), prefix: text(40).optional() }),
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  postcode: text(10).optional(),
  address: text().optional(),
  gpPractice: z
    .string()
    .regex(/^[A-Z0-9]{3,6}$/)
    .optional(),
  problems: z.array(text()).max(100).optional(),
  medications: z.array(text()).max(100).optional(),
  allergies: z.array(text()).max(100).optional(),
});

export const PatientContextReportSchema = z
  .object({
    status: z.enum(['single', 'none', 'ambiguous', 'invalid']),
    patient: PatientContextSchema.optional(),
    confidence: z.number().min(0).max(1),
    source: z.object({ adapterId: text(100).min(1), url: text(2048), title: text(200) }),
    reason: text(500).optional(),
    from: z
      .object(
        Object.fromEntries(PROVENANCE_FIELDS.map((f) => [f, text(MAX_PROVENANCE_CHARS).optional()])) as Record<ProvenanceField, z.ZodOptional<z.ZodString>>,
      )
      .optional(),
    observedAt: z.number().int().nonnegative(),
  })
  .refine((r) => (r.status === 'single') === !!r.patient, { message: 'a patient is present exactly when status is single' });

const PATIENT_FIELDS: PatientField[] = [
  'nhsNumber',
  'name',
  'family',
  'given',
  'prefix',
  'birthDate',
  'gender',
  'postcode',
  'address',
  'gpPractice',
  'problems',
  'medications',
  'allergies',
];
const level = z.number().int().min(0).max(10_000);
const readBase = {
  source: z.object({ adapterId: text(100).min(1), url: text(2048), title: text(200) }),
  observedAt: z.number().int().nonnegative(),
};
/** What the content script read (utils/patient/read.ts), bounded: at most 61 lines of 1,000 characters. */
export const PageReadSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('verdict'),
    status: z.enum(['single', 'none', 'ambiguous', 'invalid']),
    reason: text(500),
    confidence: z.number().min(0).max(1),
    ...readBase,
  }),
  z.object({
    kind: z.literal('generic'),
    nhsNumber: z.string().regex(/^\d{10}$/),
    nhsFrom: text(MAX_PROVENANCE_CHARS),
    lines: z.array(z.object({ t: text(1000), lv: level, h: level.optional(), e: level.optional(), busy: z.literal(1).optional() })).max(61),
    ...readBase,
  }),
  z.object({
    kind: z.literal('adapter'),
    fields: z.partialRecord(
      z.enum(PATIENT_FIELDS),
      z.object({
        v: z.array(text()).max(100),
        n: z.enum(['text', 'nhsNumber', 'date', 'gender', 'postcode', 'ods', 'name', 'family', 'given', 'prefix']).optional(),
      }),
    ),
    ...readBase,
  }),
]);
/** Content script → background: parse what the page shows (answer: ParsedRead). */
export const ParseMessageSchema = z.object({ type: z.literal('patient/parse'), read: PageReadSchema });

export const PatientContextMessageSchema = z.object({ type: z.literal('patient-context'), context: PatientContextReportSchema });
export const OpenPanelMessageSchema = z.object({ type: z.literal('open-panel'), context: PatientContextReportSchema });
/** Options page → background: the administrator's host adapters (validated in the background). */
export const AdaptersMessageSchema = z.object({ type: z.literal('patient/adapters') }).strict();
export const SaveAdaptersMessageSchema = z.object({ type: z.literal('patient/save-adapters'), json: z.string().max(200_000) }).strict();
export interface AdaptersView {
  builtIn: string[];
  custom: string[];
}
export const PatientContentMessageSchema = z.discriminatedUnion('type', [PatientContextMessageSchema, OpenPanelMessageSchema]);
export const PatientReplySchema = z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), error: z.string() })]);

export type PatientContextMessage = { type: 'patient-context'; context: PatientContextReport };
export type OpenPanelMessage = { type: 'open-panel'; context: PatientContextReport };
export type PatientContentMessage = PatientContextMessage | OpenPanelMessage;
export type PatientReply = { ok: true } | { ok: false; error: string };

// Compile-time proof that the zod schemas and the plain types describe the same shapes.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _patient: Same<z.infer<typeof PatientContextSchema>, PatientContext> = true;
const _report: Same<z.infer<typeof PatientContextReportSchema>, PatientContextReport> = true;
const _msg: Same<z.infer<typeof PatientContentMessageSchema>, PatientContentMessage> = true;
const _reply: Same<z.infer<typeof PatientReplySchema>, PatientReply> = true;
const _read: Same<z.infer<typeof PageReadSchema>, PageRead> = true;
void [_patient, _report, _msg, _reply, _read];
