// Public surface of the e-RS client.
export * from './booking';
export * from './booking-client';
export * from './builders';
export * from './client';
export * from 'ers-contract';
export * from './errors';
export * from './parse';
export * from './reference-cache';
export * from './rules';
export * from './transport';
export type { ParametersResource } from './fhir';
export * from './outcome';
export * from './lifecycle';
