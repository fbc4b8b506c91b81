// zod schemas for every e-RS response body the client reads. Objects are "loose": unknown fields
// are kept (e-RS adds fields over time) while the fields we rely on are checked strictly.
import { z } from 'zod';

export const codingSchema = z.looseObject({ system: z.string().optional(), code: z.string(), display: z.string().optional() });
export const codeableConceptSchema = z.looseObject({ coding: z.array(codingSchema).optional(), text: z.string().optional() });
export const identifierSchema = z.looseObject({ system: z.string().optional(), value: z.string() });
export const referenceSchema = z.looseObject({
  reference: z.string().optional(),
  identifier: identifierSchema.optional(),
  display: z.string().optional(),
});

export interface Extension {
  url: string;
  extension?: Extension[];
  [key: string]: unknown;
}
export const extensionSchema: z.ZodType<Extension> = z.lazy(() => z.looseObject({ url: z.string(), extension: z.array(extensionSchema).optional() }));

export const metaSchema = z.looseObject({
  versionId: z.string().optional(),
  profile: z.array(z.string()).optional(),
  lastUpdated: z.string().optional(),
});

/** A FHIR resource of one type; the rest of its shape as given. */
export function fhirResource<T extends string, S extends z.core.$ZodLooseShape>(resourceType: T, shape: S) {
  return z.looseObject({ resourceType: z.literal(resourceType), ...shape });
}

/** A FHIR List (A008 worklists, A010 service lists): entries of the given shape; an empty list may omit `entry`. */
function fhirList<S extends z.core.$ZodLooseShape>(entry: S) {
  return fhirResource('List', { meta: metaSchema.optional(), status: z.string(), mode: z.string(), entry: z.array(z.looseObject(entry)).default([]) });
}

/** A searchset Bundle of one resource shape; a search that matched nothing has no `entry`. */
export function searchBundle<R extends z.ZodType>(resource: R) {
  return fhirResource('Bundle', { type: z.string(), total: z.number().optional(), entry: z.array(z.looseObject({ resource })).default([]) });
}

/** STU3 and R4 OperationOutcome (e-RS, the platform proxy, and NHSDigital R4 shapes). */
export const operationOutcomeSchema = fhirResource('OperationOutcome', {
  meta: metaSchema.optional(),
  issue: z
    .array(
      z.looseObject({
        severity: z.string(),
        code: z.string(),
        details: codeableConceptSchema.optional(),
        diagnostics: z.string().optional(),
      }),
    )
    .min(1),
});
export type OperationOutcome = z.infer<typeof operationOutcomeSchema>;

/** A004 CodeSystem. */
export const codeSystemSchema = fhirResource('CodeSystem', {
  id: z.string().optional(),
  url: z.string(),
  version: z.string().optional(),
  name: z.string().optional(),
  status: z.string(),
  concept: z
    .array(
      z.looseObject({
        code: z.string(),
        display: z.string().optional(),
        property: z.array(z.looseObject({ code: z.string() })).optional(),
        extension: z.array(extensionSchema).optional(),
        designation: z.array(z.looseObject({ value: z.string() })).optional(),
      }),
    )
    .default([]),
});
export type CodeSystem = z.infer<typeof codeSystemSchema>;

/** A010 response: List of services (profile eRS-FetchServices-List-1). */
export const fetchServicesListSchema = fhirList({
  extension: z.array(extensionSchema).optional(),
  item: z.looseObject({ identifier: identifierSchema, extension: z.array(extensionSchema).optional() }),
}).extend({ emptyReason: codeableConceptSchema.optional() });
export type FetchServicesList = z.infer<typeof fetchServicesListSchema>;

export const ubrnSchema = z.string().regex(/^\d{12}$/, 'UBRN must be a 12-digit string');

/** A005/A011/A012/A021 response. */
export const referralRequestSchema = fhirResource('ReferralRequest', {
  id: ubrnSchema,
  meta: metaSchema.extend({ versionId: z.string().regex(/^\d+$/) }),
  status: z.string(),
  intent: z.string().optional(),
  subject: z.looseObject({ identifier: identifierSchema }),
  extension: z.array(extensionSchema).optional(),
  contained: z.array(z.looseObject({ resourceType: z.string(), id: z.string().optional() })).optional(),
  supportingInfo: z.array(referenceSchema).optional(),
  identifier: z.array(identifierSchema).optional(),
});
export type ReferralRequest = z.infer<typeof referralRequestSchema>;

/** A016 response. */
export const appointmentSchema = fhirResource('Appointment', {
  id: z.string(),
  meta: metaSchema.optional(),
  status: z.string(),
  reason: z.array(codeableConceptSchema).optional(),
  created: z.string().optional(),
  incomingReferral: z.array(referenceSchema).optional(),
  participant: z.array(z.looseObject({ actor: referenceSchema.optional(), status: z.string().optional() })).optional(),
});
export type Appointment = z.infer<typeof appointmentSchema>;

/** A030 response: R4 Bundle of PractitionerRole. */
export const practitionerRoleBundleSchema = searchBundle(
  fhirResource('PractitionerRole', {
    practitioner: z.looseObject({ identifier: identifierSchema }),
    organization: z.looseObject({ identifier: identifierSchema, display: z.string().optional() }),
    code: z.array(codeableConceptSchema).default([]),
  }),
);
export type PractitionerRoleBundle = z.infer<typeof practitionerRoleBundleSchema>;

export const professionalPermissionSchema = z.looseObject({
  businessFunction: z.string(),
  orgIdentifier: z.string(),
  orgName: z.string().nullish(),
});

/** A001/A002 response: the legacy ProfessionalSession DTO (not FHIR). */
export const professionalSessionSchema = z.looseObject({
  typeInfo: z.string().optional(),
  id: z.string().min(1),
  token: z.string().optional(),
  user: z.looseObject({
    identifier: z.string(),
    firstName: z.string().nullish(),
    lastName: z.string().nullish(),
    middleName: z.string().nullish(),
    permissions: z.array(professionalPermissionSchema),
  }),
  permission: professionalPermissionSchema.nullable(),
});
export type ProfessionalSession = z.infer<typeof professionalSessionSchema>;

/** A015 slot search (stretch): a searchset Bundle of Slot/Schedule resources. */
export const slotBundleSchema = fhirResource('Bundle', {
  type: z.string().optional(),
  entry: z.array(z.looseObject({ resource: z.looseObject({ resourceType: z.string(), id: z.string().optional() }) })).default([]),
});

/** A008 response: a worklist (profile eRS-FetchWorklist-List-1); an empty list may omit `entry`. */
export const worklistSchema = fhirList({
  extension: z.array(extensionSchema).min(1),
  item: z.looseObject({ reference: z.string().regex(/^ReferralRequest\/\d{12}$/, 'item must reference ReferralRequest/{ubrn}') }),
});
export type Worklist = z.infer<typeof worklistSchema>;
