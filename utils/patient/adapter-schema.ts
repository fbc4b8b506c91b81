// zod schema for host adapters: what an administrator writes as JSON (options page or enterprise
// managed storage) and what the built-in adapters must also pass. Used in the background and the
// options page only — never in the content script.
import { z } from 'zod';
import { matchPatternToRegExpSource } from './compile';
import type { HostAdapter } from './types';

const selector = z.string().trim().min(1).max(500);
const pattern = z
  .string()
  .min(1)
  .max(200)
  .refine((p) => {
    try {
      new RegExp(p, 'iu');
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression');

export const NormaliserSchema = z.enum(['text', 'nhsNumber', 'date', 'gender', 'postcode', 'ods', 'name', 'family', 'given', 'prefix']);

export const FieldLocatorSchema = z
  .object({
    selector: selector.optional(),
    attr: z
      .string()
      .regex(/^[a-zA-Z_:][-\w:.]*$/, 'not an attribute name')
      .max(100)
      .optional(),
    label: z.string().trim().min(1).max(100).optional(),
    within: selector.optional(),
    pattern: pattern.optional(),
    normalise: NormaliserSchema.optional(),
    all: z.boolean().optional(),
  })
  .strict()
  .refine((l) => l.selector || l.label, 'a field needs a selector or a label');

const locators = z.union([FieldLocatorSchema, z.array(FieldLocatorSchema).min(1).max(5)]);

export const MatchPatternSchema = z
  .string()
  .max(300)
  .refine((p) => !!matchPatternToRegExpSource(p), 'not a match pattern like https://host.example.nhs.uk/path/*');

export const HostAdapterSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, . _ - (2–64)'),
    name: z.string().trim().min(1).max(100),
    version: z.number().int().positive().optional(),
    matches: z.array(MatchPatternSchema).min(1).max(50),
    recordOpen: z.object({ selector, absent: selector.optional() }).strict(),
    fields: z
      .object({
        nhsNumber: locators,
        name: locators.optional(),
        family: locators.optional(),
        given: locators.optional(),
        prefix: locators.optional(),
        birthDate: locators.optional(),
        gender: locators.optional(),
        postcode: locators.optional(),
        address: locators.optional(),
        gpPractice: locators.optional(),
        problems: locators.optional(),
        medications: locators.optional(),
        allergies: locators.optional(),
      })
      .strict()
      .refine((f) => f.name || f.family, 'fields need `name` or `family`'),
    watch: z.array(selector).max(20).optional(),
    buttonAnchor: selector.optional(),
  })
  .strict();

export const HostAdapterListSchema = z.array(HostAdapterSchema).max(50);

// The zod schema and the plain type must agree.
const _check: z.infer<typeof HostAdapterSchema> extends HostAdapter ? true : false = true;
void _check;

export type ParsedAdapters = { ok: true; adapters: HostAdapter[] } | { ok: false; error: string };

/** Parse administrator JSON: one adapter object or an array of them. Errors name the path. */
export function parseAdapterJson(text: string): ParsedAdapters {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${(e as Error).message}` };
  }
  return validateAdapters(Array.isArray(data) ? data : [data]);
}

export function validateAdapters(data: unknown): ParsedAdapters {
  const r = HostAdapterListSchema.safeParse(data);
  if (r.success) {
    const ids = r.data.map((a) => a.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    return dup ? { ok: false, error: `Duplicate adapter id "${dup}"` } : { ok: true, adapters: r.data as HostAdapter[] };
  }
  return {
    ok: false,
    error: r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; '),
  };
}
