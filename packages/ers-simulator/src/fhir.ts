// Strict reading of FHIR STU3 `Parameters` bodies, with JSON-path-like diagnostics in the style of the
// e-RS examples ("'parameter[0]/resource/parameter[1]' (unknownParameter) unknown parameter name").
//
// Validation order follows packages/ers-contract/docs/ers-api.md §9: structure/unknown fields first (INVALID_FHIR_STRUCTURE,
// UNEXPECTED_FIELD), then mandatory values (MISSING_VALUE); code and cross-field rules are applied
// by the callers on the typed result.

import { type ErsError, diag, unprocessable } from './errors';

export type ValueKind = 'valueCoding' | 'valueIdentifier' | 'valueBoolean' | 'valueUnsignedInt' | 'valueString' | 'valueInstant' | 'resource';

export interface ParamSpec {
  kind: ValueKind;
  min?: 0 | 1;
  /** Default 1. */
  max?: number;
}

export interface ParamValue {
  value: unknown;
  path: string;
  index: number;
}

export type ReadParams = Map<string, ParamValue[]>;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function structure(path: string, what: string, message: string): ErsError {
  return unprocessable('INVALID_FHIR_STRUCTURE', diag(path, what, message));
}

/** Rejects keys outside `allowed` with UNEXPECTED_FIELD. */
export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw unprocessable('UNEXPECTED_FIELD', diag(path ? `${path}/${key}` : key, key, 'unknown field'));
    }
  }
}

function checkValueShape(kind: ValueKind, value: unknown, path: string, name: string): void {
  const bad = (m: string) => structure(path, name, m);
  switch (kind) {
    case 'valueCoding':
      if (!isObject(value)) throw bad('expected a Coding object');
      checkKeys(value, ['system', 'code', 'display', 'version'], path);
      if (value.system !== undefined && typeof value.system !== 'string') throw bad('Coding.system must be a string');
      if (value.code !== undefined && typeof value.code !== 'string') throw bad('Coding.code must be a string');
      return;
    case 'valueIdentifier':
      if (!isObject(value)) throw bad('expected an Identifier object');
      checkKeys(value, ['system', 'value', 'use'], path);
      if (value.value !== undefined && typeof value.value !== 'string') throw bad('Identifier.value must be a string');
      return;
    case 'valueBoolean':
      if (typeof value !== 'boolean') throw bad('expected a boolean');
      return;
    case 'valueUnsignedInt':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw bad('expected an unsigned integer');
      return;
    case 'valueString':
    case 'valueInstant':
      if (typeof value !== 'string') throw bad('expected a string');
      return;
    case 'resource':
      if (!isObject(value)) throw bad('expected a resource object');
      return;
  }
}

/**
 * Reads a Parameters resource: checks resourceType/profile/keys, rejects unknown parameter names and
 * wrong value types, enforces cardinality. Returns the parameters grouped by name.
 */
export function readParameters(body: unknown, path: string, profile: string, specs: Record<string, ParamSpec>): ReadParams {
  const at = (p: string) => (path ? `${path}/${p}` : p);
  if (!isObject(body)) throw structure(path || '/', 'Parameters', 'expected a JSON object');
  if (body.resourceType !== 'Parameters') throw structure(at('resourceType'), 'resourceType', 'must be Parameters');
  checkKeys(body, ['resourceType', 'id', 'meta', 'parameter'], path);
  const params = body.parameter ?? [];
  if (!Array.isArray(params)) throw structure(at('parameter'), 'parameter', 'must be an array');
  const out: ReadParams = new Map();
  params.forEach((p, index) => {
    const ppath = at(`parameter[${index}]`);
    if (!isObject(p)) throw structure(ppath, 'parameter', 'expected an object');
    const name = p.name;
    if (typeof name !== 'string') throw structure(ppath, 'name', 'parameter name missing');
    const spec = specs[name];
    if (!spec) throw unprocessable('UNEXPECTED_FIELD', diag(ppath, name, 'unknown parameter name'));
    const valueKeys = Object.keys(p).filter((k) => k !== 'name');
    if (valueKeys.length !== 1 || valueKeys[0] !== spec.kind) {
      const other = valueKeys.find((k) => k !== spec.kind);
      if (other && !other.startsWith('value') && other !== 'resource') {
        throw unprocessable('UNEXPECTED_FIELD', diag(`${ppath}/${other}`, name, 'unknown field'));
      }
      throw structure(ppath, name, `expected exactly one ${spec.kind}`);
    }
    const valuePath = spec.kind === 'resource' ? `${ppath}/resource` : ppath;
    checkValueShape(spec.kind, p[spec.kind], valuePath, name);
    const list = out.get(name) ?? [];
    list.push({ value: p[spec.kind], path: valuePath, index });
    out.set(name, list);
  });
  // After unknown fields: obsolete bodies both name a removed parameter and point meta.profile at an
  // OperationDefinition, and e-RS reports the removed parameter (UNEXPECTED_FIELD).
  checkProfile(body, profile, path);
  for (const [name, spec] of Object.entries(specs)) {
    const list = out.get(name) ?? [];
    const max = spec.max ?? 1;
    if (list.length > max) throw structure(list[max].path, name, `at most ${max} allowed`);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if ((spec.min ?? 0) === 1 && !out.get(name)?.length) {
      throw unprocessable('MISSING_VALUE', diag(at('parameter'), name, 'mandatory parameter missing'));
    }
  }
  return out;
}

/** `meta.profile`, when present, must name the operation's profile (obsolete examples point elsewhere). */
export function checkProfile(resource: Record<string, unknown>, profile: string, path: string): void {
  const meta = resource.meta;
  if (meta === undefined) return;
  const at = path ? `${path}/meta` : 'meta';
  if (!isObject(meta)) throw structure(at, 'meta', 'expected an object');
  checkKeys(meta, ['profile', 'versionId', 'lastUpdated'], at);
  const profiles = meta.profile;
  if (profiles === undefined) return;
  if (!Array.isArray(profiles) || profiles.some((x) => typeof x !== 'string')) throw structure(`${at}/profile`, 'profile', 'must be an array of strings');
  if (!profiles.includes(profile)) throw unprocessable('INVALID_VALUE', diag(`${at}/profile`, 'profile', `must be ${profile}`));
}

export function first(params: ReadParams, name: string): ParamValue | undefined {
  return params.get(name)?.[0];
}

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}
export interface Identifier {
  system?: string;
  value?: string;
}

/** Checks a Coding's system and that its code is one of `codes` (INVALID_CODE otherwise). */
export function codingIn(pv: ParamValue, name: string, system: string | readonly string[], codes?: readonly string[]): string {
  const c = pv.value as Coding;
  const systems = typeof system === 'string' ? [system] : system;
  if (!c.code) throw unprocessable('MISSING_VALUE', diag(pv.path, name, 'code missing'));
  if (!c.system || !systems.includes(c.system)) {
    throw unprocessable('INVALID_CODE', diag(`${pv.path}/valueCoding/system`, name, `unknown code system '${c.system ?? ''}'; expected ${systems[0]}`));
  }
  if (codes && !codes.includes(c.code)) throw unprocessable('INVALID_CODE', diag(`${pv.path}/valueCoding/code`, name, `unknown code '${c.code}'`));
  return c.code;
}

/** Checks an Identifier's system and returns its value (MISSING_VALUE/INVALID_VALUE otherwise). */
export function identifierOf(pv: ParamValue, name: string, system: string, pattern?: RegExp): string {
  const id = pv.value as Identifier;
  if (!id.value) throw unprocessable('MISSING_VALUE', diag(pv.path, name, 'identifier value missing'));
  if (id.system !== system) throw unprocessable('INVALID_VALUE', diag(`${pv.path}/valueIdentifier/system`, name, `system must be ${system}`));
  if (pattern && !pattern.test(id.value)) throw unprocessable('INVALID_VALUE', diag(`${pv.path}/valueIdentifier/value`, name, 'invalid format'));
  return id.value;
}

export const NHS_NUMBER_PATTERN = /^\d{10}$/;
export const SDS_USER_PATTERN = /^\d{12}$/;
export const UBRN_PATTERN = /^\d{12}$/;
