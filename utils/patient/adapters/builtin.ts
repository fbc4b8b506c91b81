// Built-in host adapters for the demo clinical systems (simulator/demo/). Plain data; the background
// validates them with the same zod schema as an administrator's JSON adapter, compiles them and hands
// them to content scripts through storage (test/patient/adapter-schema.test.ts).
import { compileAdapter } from '../compile';
import type { HostAdapter } from '../types';

/** A demo system's adapter: version 1, matching its pages under /demo/<system>/ on the local simulator. */
function demo(id: `demo-${string}`, name: string, rest: Omit<HostAdapter, 'id' | 'name' | 'version' | 'matches'>): HostAdapter {
  const path = `demo/${id.slice('demo-'.length)}/*`;
  return { id, name, version: 1, matches: [`http://127.0.0.1/${path}`, `http://localhost/${path}`], ...rest };
}

/** The record's lists (problems, medications, allergies): every element each selector matches. */
const lists = (problems: string, medications: string, allergies: string) => ({
  problems: { selector: problems, all: true },
  medications: { selector: medications, all: true },
  allergies: { selector: allergies, all: true },
});

/** A labelled cell in DemoGP's patient details table. */
const detail = (label: string) => ({ label, within: '#patient-details' });
/** A data-field in St Elsewhere's patient banner. */
const banner = (field: string) => ({ selector: `#patient-banner [data-field="${field}"]` });

/** DemoGP Clinical: table layout, labelled cells, NHS number printed `943 476 5919`. */
export const demoGpAdapter = demo('demo-gp', 'DemoGP Clinical (demo GP system)', {
  recordOpen: { selector: '#record[data-record="patient"]' },
  fields: {
    // Every demographics panel is read, so a second patient panel makes the page ambiguous.
    nhsNumber: [{ selector: '#record .demographics td.pt-nhs', all: true }, detail('NHS Number')],
    name: detail('Name'),
    birthDate: detail('Date of Birth'),
    gender: detail('Sex'),
    address: detail('Address'),
    gpPractice: detail('Usual GP'),
    ...lists('#problems td.term', '#medication td.drug', '#allergies td.allergy'),
  },
  watch: ['#record'],
});

/** St Elsewhere EPR: sticky patient banner with data-field attributes, tabs below. */
export const demoEprAdapter = demo('demo-epr', 'St Elsewhere EPR (demo hospital system)', {
  recordOpen: { selector: '#patient-banner[data-patient-banner]' },
  fields: {
    nhsNumber: { selector: '[data-field="nhs"]', all: true },
    family: banner('family'),
    given: banner('given'),
    prefix: banner('title'),
    birthDate: banner('dob'),
    gender: banner('gender'),
    address: banner('address'),
    postcode: banner('postcode'),
    gpPractice: banner('gp'),
    ...lists('#tab-problems li:not(.none)', '#tab-medications li:not(.none)', '#tab-allergies li:not(.none)'),
  },
  watch: ['#patient-banner'],
  buttonAnchor: '#patient-banner .banner-actions',
});

/** CareFlow: single-page app, hash routing, patient header rendered client-side. */
export const demoSpaAdapter = demo('demo-spa', 'CareFlow (demo single-page app)', {
  recordOpen: { selector: '.pt-header[data-nhs]', absent: '.pt-loading' },
  fields: {
    nhsNumber: [{ selector: '.pt-header[data-nhs]', attr: 'data-nhs', all: true }],
    name: { selector: '.pt-header .pt-name' },
    birthDate: { selector: '.pt-header .pt-dob', pattern: '^Born (.+)$' },
    gender: { selector: '.pt-header .pt-sex' },
    address: { selector: '.pt-header .pt-address' },
    gpPractice: { selector: '.pt-header .pt-gp', pattern: 'GP practice ([A-Z0-9]{3,6})' },
    ...lists('.pt-problems li.item', '.pt-medications li.item', '.pt-allergies li.item'),
  },
  watch: ['#app'],
});

export const BUILTIN_ADAPTERS: readonly HostAdapter[] = [demoGpAdapter, demoEprAdapter, demoSpaAdapter];

/** The built-in adapters compiled for the readers (what the background hands to content scripts). */
export const BUILTIN_ACTIVE_ADAPTERS = BUILTIN_ADAPTERS.map(compileAdapter);
