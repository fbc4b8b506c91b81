// Minimal FHIR STU3 shapes the builders emit. Responses are typed from the zod schemas instead.

export interface Coding {
  system: string;
  code: string;
  display?: string;
}
export interface Identifier {
  system: string;
  value: string;
}

export type Parameter =
  | { name: string; valueCoding: Coding }
  | { name: string; valueCodeableConcept: { coding: Coding[] } }
  | { name: string; valueIdentifier: Identifier }
  | { name: string; valueBoolean: boolean }
  | { name: string; valueUnsignedInt: number }
  | { name: string; valueString: string }
  | { name: string; valueInstant: string }
  | { name: string; resource: FhirResource };

export interface FhirResource {
  resourceType: string;
  [key: string]: unknown;
}

export interface ParametersResource extends FhirResource {
  resourceType: 'Parameters';
  id?: string;
  meta: { profile: string[] };
  parameter: Parameter[];
}
