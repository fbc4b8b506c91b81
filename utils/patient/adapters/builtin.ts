// Built-in host adapters for the demo clinical systems (simulator/demo/). Plain data; the background
// validates them with the same zod schema as an administrator's JSON adapter, compiles them and hands
// them to content scripts through storage (test/patient/adapter-schema.test.ts).
import { compileAdapter } from '../compile';
import type { HostAdapter } from '../types';

const local = (path: string) => [`http://127.0.0.1/${path}`, `http://localhost/${path}`];

/** DemoGP Clinical: table layout, labelled cells, NHS number printed `943 476 5919`. */
export const demoGpAdapter: HostAdapter = {
  id: 'demo-gp',
  name: 'DemoGP Clinical (demo GP system)',
  version: 1,
  matches: local('demo/gp/*'),
  recordOpen: { selector: '#record[data-record="patient"]' },
  fields: {
    // Every demographics panel is read, so a second patient panel makes the page ambiguous.
    nhsNumber: [
      { selector: '#record .demographics td.pt-nhs', all: true },
      { label: 'NHS Number', within: '#patient-details' },
    ],
    name: { label: 'Name', within: '#patient-details' },
    birthDate: { label: 'Date of Birth', within: '#patient-details' },
    gender: { label: 'Sex', within: '#patient-details' },
    address: { label: 'Address', within: '#patient-details' },
    gpPractice: { label: 'Usual GP', within: '#patient-details' },
    problems: { selector: '#problems td.term', all: true },
    medications: { selector: '#medication td.drug', all: true },
    allergies: { selector: '#allergies td.allergy', all: true },
  },
  watch: ['#record'],
};

/** St Elsewhere EPR: sticky patient banner with data-field attributes, tabs below. */
export const demoEprAdapter: HostAdapter = {
  id: 'demo-epr',
  name: 'St Elsewhere EPR (demo hospital system)',
  version: 1,
  matches: local('demo/epr/*'),
  recordOpen: { selector: '#patient-banner[data-patient-banner]' },
  fields: {
    nhsNumber: { selector: '[data-field="nhs"]', all: true },
    family: { selector: '#patient-banner [data-field="family"]' },
    given: { selector: '#patient-banner [data-field="given"]' },
    prefix: { selector: '#patient-banner [data-field="title"]' },
    birthDate: { selector: '#patient-banner [data-field="dob"]' },
    gender: { selector: '#patient-banner [data-field="gender"]' },
    address: { selector: '#patient-banner [data-field="address"]' },
    postcode: { selector: '#patient-banner [data-field="postcode"]' },
    gpPractice: { selector: '#patient-banner [data-field="gp"]' },
    problems: { selector: '#tab-problems li:not(.none)', all: true },
    medications: { selector: '#tab-medications li:not(.none)', all: true },
    allergies: { selector: '#tab-allergies li:not(.none)', all: true },
  },
  watch: ['#patient-banner'],
  buttonAnchor: '#patient-banner .banner-actions',
};

/** CareFlow: single-page app, hash routing, patient header rendered client-side. */
export const demoSpaAdapter: HostAdapter = {
  id: 'demo-spa',
  name: 'CareFlow (demo single-page app)',
  version: 1,
  matches: local('demo/spa/*'),
  recordOpen: { selector: '.pt-header[data-nhs]', absent: '.pt-loading' },
  fields: {
    nhsNumber: [{ selector: '.pt-header[data-nhs]', attr: 'data-nhs', all: true }],
    name: { selector: '.pt-header .pt-name' },
    birthDate: { selector: '.pt-header .pt-dob', pattern: '^Born (.+)$' },
    gender: { selector: '.pt-header .pt-sex' },
    address: { selector: '.pt-header .pt-address' },
    gpPractice: { selector: '.pt-header .pt-gp', pattern: 'GP practice ([A-Z0-9]{3,6})' },
    problems: { selector: '.pt-problems li.item', all: true },
    medications: { selector: '.pt-medications li.item', all: true },
    allergies: { selector: '.pt-allergies li.item', all: true },
  },
  watch: ['#app'],
};

export const BUILTIN_ADAPTERS: readonly HostAdapter[] = [demoGpAdapter, demoEprAdapter, demoSpaAdapter];

/** The built-in adapters compiled for the readers (what the background hands to content scripts). */
export const BUILTIN_ACTIVE_ADAPTERS = BUILTIN_ADAPTERS.map(compileAdapter);
