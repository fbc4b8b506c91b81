// The templates every installation has. Administrators add their own (policy `letterTemplates` or
// the options page) in the same format, checked by ./template.ts.
import { type LetterTemplate, checkTemplates } from './template';

const recordSections: LetterTemplate['sections'] = [
  { kind: 'record', field: 'problems', heading: 'Problems' },
  { kind: 'record', field: 'medications', heading: 'Current medication' },
  { kind: 'record', field: 'allergies', heading: 'Allergies and adverse reactions' },
];

export const BUILT_IN_TEMPLATES: readonly LetterTemplate[] = [
  {
    id: 'general',
    name: 'General referral',
    title: 'Referral to {{service}}',
    sections: [
      { kind: 'fixed', text: 'Dear colleague,' },
      { kind: 'text', id: 'reason', heading: 'Reason for referral', required: true, hint: 'What you are worried about and why now.' },
      { kind: 'text', id: 'history', heading: 'History', hint: 'Presenting complaint, relevant history, investigations so far.' },
      { kind: 'text', id: 'examination', heading: 'Examination' },
      { kind: 'text', id: 'ask', heading: 'What I am asking for', hint: 'Assessment, investigation, treatment, advice.' },
      ...recordSections,
    ],
  },
  {
    id: 'suspected-cancer',
    name: 'Suspected cancer (two-week wait)',
    specialties: ['2WW'],
    title: 'Urgent suspected cancer referral (two-week wait) to {{service}}',
    sections: [
      { kind: 'fixed', text: 'Dear colleague,' },
      {
        kind: 'fixed',
        heading: 'Pathway',
        text: 'I am referring {{patient.name}} on the urgent suspected cancer pathway. The patient has been told that this is an urgent referral to rule out or confirm cancer, and that they should be seen within two weeks.',
      },
      {
        kind: 'text',
        id: 'reason',
        heading: 'Reason for referral and suspected cancer',
        required: true,
        hint: 'The symptoms or findings that meet the referral criteria.',
      },
      { kind: 'text', id: 'history', heading: 'History and investigations', hint: 'Duration of symptoms, relevant results (with dates), risk factors.' },
      { kind: 'text', id: 'examination', heading: 'Examination' },
      {
        kind: 'text',
        id: 'availability',
        heading: 'Patient availability and needs',
        hint: 'Dates the patient cannot attend, interpreter, transport, capacity.',
      },
      { kind: 'text', id: 'ask', heading: 'What I am asking for', initial: 'Urgent assessment on the suspected cancer pathway.' },
      ...recordSections,
    ],
  },
  {
    id: 'musculoskeletal',
    name: 'Musculoskeletal',
    specialties: ['ORTHOPAEDICS', 'RHEUMATOLOGY', 'PHYSIOTHERAPY', 'PAIN_MANAGEMENT'],
    title: 'Musculoskeletal referral to {{service}}',
    sections: [
      { kind: 'fixed', text: 'Dear colleague,' },
      { kind: 'text', id: 'reason', heading: 'Reason for referral', required: true, hint: 'Joint or region, main symptom, effect on work and daily life.' },
      { kind: 'text', id: 'history', heading: 'History', hint: 'Onset, duration, injury, red flags asked about, previous treatment and physiotherapy.' },
      { kind: 'text', id: 'examination', heading: 'Examination', hint: 'Range of movement, swelling, neurology.' },
      { kind: 'text', id: 'imaging', heading: 'Imaging and tests', hint: 'X-ray, MRI, blood tests, with dates.' },
      { kind: 'text', id: 'ask', heading: 'What I am asking for', hint: 'Opinion, injection, surgical assessment, physiotherapy.' },
      ...recordSections,
    ],
  },
];

/** The templates to offer: the built-in ones, then the administrator's that pass the check; the problems with the rest. */
export function letterTemplates(admin: unknown): { templates: LetterTemplate[]; problems: string[] } {
  const checked = checkTemplates(admin, BUILT_IN_TEMPLATES);
  return { templates: [...BUILT_IN_TEMPLATES, ...checked.templates], problems: checked.problems };
}
