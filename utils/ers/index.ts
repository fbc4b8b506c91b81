// Public surface of the e-RS client.
export * from './builders';
export * from './client';
export * from 'ers-contract';
export * from './errors';
export * from './parse';
export * from './reference-cache';
export * from './rules';
export * from './transport';
export type { Appointment, CodeSystem, ProfessionalSession, ReferralRequest } from './schemas';
export type { FhirResource, ParametersResource } from './fhir';
export * from './outcome';
export * from './lifecycle';
