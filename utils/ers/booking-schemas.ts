// zod schemas for the booking responses: A015 slots (STU3 Bundle of Slot + Schedule), A033/A035
// healthcare services (R4), and A038/A034 appointments. Loose objects, like schemas.ts.
import { z } from 'zod';
import { codeableConceptSchema, codingSchema, extensionSchema, fhirResource, identifierSchema, metaSchema, referenceSchema, searchBundle } from './schemas';

const slotResourceSchema = fhirResource('Slot', {
  id: z.string(),
  schedule: z.looseObject({ reference: z.string() }),
  status: z.string(),
  start: z.string(),
  end: z.string(),
  identifier: z.array(identifierSchema).optional(),
});

const scheduleResourceSchema = fhirResource('Schedule', {
  id: z.string(),
  actor: z.array(z.looseObject({ identifier: identifierSchema })).min(1),
});

/** A015 response: a searchset of free Slots with their Schedules. */
export const slotPageSchema = fhirResource('Bundle', {
  type: z.string().optional(),
  total: z.number().int().nonnegative().optional(),
  link: z.array(z.looseObject({ relation: z.string(), url: z.string() })).default([]),
  entry: z.array(z.looseObject({ resource: z.discriminatedUnion('resourceType', [slotResourceSchema, scheduleResourceSchema]) })).default([]),
});
export type SlotPage = z.infer<typeof slotPageSchema>;

/** A033 response (and each A035 entry): an R4 HealthcareService. `type` may be one object (known issue). */
export const healthcareServiceSchema = fhirResource('HealthcareService', {
  id: z.string(),
  meta: metaSchema.optional(),
  name: z.string(),
  location: z.array(z.looseObject({ identifier: identifierSchema.optional() })).optional(),
  type: z.union([z.array(codeableConceptSchema), codeableConceptSchema]).optional(),
  characteristic: z.array(codeableConceptSchema).optional(),
  extension: z.array(extensionSchema).optional(),
});
export type HealthcareServiceR4 = z.infer<typeof healthcareServiceSchema>;

/** A035 response: an R4 searchset; no `entry` when nothing matched. */
export const healthcareServiceBundleSchema = searchBundle(healthcareServiceSchema);

/** A016, A038 and A034 response: the stored Appointment. */
export const storedAppointmentSchema = fhirResource('Appointment', {
  id: z.string(),
  // The legacy A016 answer carries no version; the platform's always does (A034 needs it).
  meta: metaSchema.extend({ versionId: z.string().regex(/^\d+$/).optional() }).optional(),
  status: z.enum(['booked', 'proposed', 'cancelled', 'pending', 'arrived', 'fulfilled', 'noshow', 'entered-in-error']),
  reason: z.array(z.looseObject({ coding: z.array(codingSchema).optional() })).optional(),
  description: z.string().optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  slot: z.array(referenceSchema).optional(),
  created: z.string().optional(),
  comment: z.string().optional(),
  incomingReferral: z.array(z.looseObject({ reference: z.string() })).min(1),
  participant: z.array(
    z.looseObject({
      type: z.unknown().optional(),
      actor: z.looseObject({ identifier: identifierSchema, display: z.string().optional() }),
      status: z.string(),
    }),
  ),
});
export type StoredAppointment = z.infer<typeof storedAppointmentSchema>;
