// The referral letter: templates and their checks, record items with their source, the letter
// model, and the PDF as a PDF reader sees it.
import { describe, expect, it } from 'vitest';
import { BUILT_IN_TEMPLATES, letterTemplates } from '../../utils/letter/builtin-templates';
import {
  type LetterContext,
  buildLetterDocument,
  editItem,
  letterProblems,
  newLetterDraft,
  placeholderValues,
  recordItemsFrom,
  referrerFrom,
  switchTemplate,
  writeSection,
} from '../../utils/letter/model';
import { changedSinceAdded, writtenLetterBlocker } from '../../utils/letter/attached';
import { renderLetterPdf, toWinAnsi } from '../../utils/letter/pdf';
import { checkTemplate, checkTemplates, fill, templateFor } from '../../utils/letter/template';
import type { PatientContextReport } from '../../utils/patient/types';
import { pdfPages, pdfText } from '../helpers/pdf-text';

const NHS = '9434765919';
const report = (over: Partial<PatientContextReport> = {}): PatientContextReport => ({
  status: 'single',
  patient: {
    nhsNumber: NHS,
    name: { family: 'Jones', given: ['Sarah'], prefix: 'Mrs' },
    birthDate: '1958-03-14',
    address: '1 High Street, Leeds',
    postcode: 'LS1 4AP',
    problems: ['Essential hypertension', 'Exertional chest pain'],
    medications: ['Amlodipine 5mg tablets'],
    allergies: ['Penicillin - rash'],
  },
  confidence: 1,
  source: { adapterId: 'demo-gp', url: 'http://127.0.0.1:4010/demo/gp/record.html', title: 'Demo GP record' },
  observedAt: 0,
  ...over,
});
const ctx: LetterContext = {
  patient: { nhsNumber: NHS, name: 'JONES, Sarah (Mrs)', birthDate: '1958-03-14', address: '1 High Street, Leeds', postcode: 'LS1 4AP' },
  referrer: { name: 'Dr Kate ADAMS', role: 'Referring clinician', organisation: 'Demo Surgery (B86001)' },
  date: new Date('2026-12-01T10:00:00Z'),
  priority: 'Urgent',
  service: 'Good Cardiology Business Service',
};
const general = BUILT_IN_TEMPLATES.find((t) => t.id === 'general')!;

describe('letter templates', () => {
  it('every built-in template passes the same check as an administrator’s', () => {
    for (const t of BUILT_IN_TEMPLATES) expect(checkTemplate(t)).toEqual({ ok: true, template: t });
  });

  it('refuses an unknown placeholder, an unclosed one, a missing text section and unknown properties, naming the template', () => {
    const base = { id: 'cardio', name: 'Cardiology', title: 'Referral', sections: [{ kind: 'text', id: 'reason', heading: 'Reason' }] };
    expect(checkTemplate(base).ok).toBe(true);
    const bad = [
      [{ ...base, title: 'Referral for {{patient.nhs}}' }, '{{patient.nhs}} is not a placeholder'],
      [{ ...base, title: 'Referral for {{service' }, 'not closed'],
      [{ ...base, sections: [{ kind: 'fixed', text: 'Dear colleague' }] }, 'no section for the clinician to write in'],
      [{ ...base, colour: 'red' }, '"colour" is not a template property'],
      [{ ...base, sections: [{ kind: 'record', field: 'bloods', heading: 'Bloods' }] }, '"field" must be one of'],
      [{ ...base, id: 'Cardio!' }, 'lower-case letters'],
      [{ ...base, sections: [base.sections[0], base.sections[0]] }, 'used twice'],
      [{ ...base, sections: [{ kind: 'text', id: 'x', heading: 'X {{date}}' }] }, 'cannot contain placeholders'],
    ] as const;
    for (const [raw, words] of bad) {
      const r = checkTemplate(raw);
      expect(r.ok, words).toBe(false);
      expect(r.ok ? '' : r.message).toMatch(/^Cardiology cannot be used: /);
      expect(r.ok ? '' : r.message).toContain(words);
    }
  });

  it('keeps the valid administrator templates, names each refused one, and never lets one replace a built-in', () => {
    const ok = {
      id: 'cardio',
      name: 'Cardiology',
      specialties: ['CARDIOLOGY'],
      title: 'Referral',
      sections: [{ kind: 'text', id: 'reason', heading: 'Reason' }],
    };
    const { templates, problems } = checkTemplates([ok, { ...ok, id: 'general', name: 'Fake general' }, { name: 'Broken' }], BUILT_IN_TEMPLATES);
    expect(templates.map((t) => t.id)).toEqual(['cardio']);
    expect(problems).toEqual([expect.stringContaining('Fake general cannot be used: the id "general"'), expect.stringContaining('Broken cannot be used')]);
    expect(checkTemplates('nope', BUILT_IN_TEMPLATES).problems[0]).toContain('must be a list');
    expect(templateFor([...BUILT_IN_TEMPLATES, ...templates], 'CARDIOLOGY')?.id).toBe('cardio');
    expect(templateFor(BUILT_IN_TEMPLATES, '2WW')?.id).toBe('suspected-cancer');
    expect(templateFor(BUILT_IN_TEMPLATES, 'DERMATOLOGY')?.id).toBe('general');
  });

  it('fills placeholders, and a value the record lacks shows as "(not recorded)", never as nothing', () => {
    expect(fill('{{patient.name}} ({{ patient.nhsNumber }}), {{patient.gender}}', placeholderValues(ctx))).toBe(
      'JONES, Sarah (Mrs) (943 476 5919), (not recorded)',
    );
  });
});

describe('record items', () => {
  it('each item says where it came from', () => {
    const items = recordItemsFrom(report(), NHS);
    expect(items.map((i) => [i.field, i.text])).toEqual([
      ['problems', 'Essential hypertension'],
      ['problems', 'Exertional chest pain'],
      ['medications', 'Amlodipine 5mg tablets'],
      ['allergies', 'Penicillin - rash'],
    ]);
    expect(items[0].source).toBe('problems list on “Demo GP record”, read by the demo-gp reader');
  });

  it('takes nothing from a reading of another patient, of no single patient, or from the generic reader', () => {
    expect(recordItemsFrom(report(), '9000000009')).toEqual([]);
    expect(recordItemsFrom(report({ status: 'ambiguous' }), NHS)).toEqual([]);
    expect(recordItemsFrom(report({ source: { adapterId: 'generic', url: 'x', title: 'x' } }), NHS)).toEqual([]);
  });

  it('items read for another patient stop the letter and are never printed', () => {
    const draft = { ...newLetterDraft(general, {}, recordItemsFrom(report(), NHS), NHS, 0), sections: { reason: 'Chest pain' } };
    expect(letterProblems(general, draft, NHS)).toEqual([]);
    const other = { ...draft, recordNhsNumber: '9000000009' };
    expect(letterProblems(general, other, NHS)).toEqual([expect.stringContaining('different patient')]);
    const doc = buildLetterDocument(general, other, ctx);
    expect(JSON.stringify(doc.blocks)).not.toContain('Essential hypertension');
  });
});

describe('the letter', () => {
  const draftFor = () => {
    const d = newLetterDraft(general, placeholderValues(ctx), recordItemsFrom(report(), NHS), NHS, 0);
    d.sections.reason = 'Exertional chest pain for six weeks, worse on hills.';
    d.items[1] = { ...d.items[1], text: 'Exertional chest pain (since October)' };
    d.items[2] = { ...d.items[2], included: false };
    return d;
  };

  it('asks for the required sections before it can be rendered', () => {
    const d = newLetterDraft(general, {}, [], NHS, 0);
    expect(letterProblems(general, d, NHS)).toEqual(['Write the “Reason for referral” section.']);
  });

  it('switching template keeps what was typed', () => {
    const msk = BUILT_IN_TEMPLATES.find((t) => t.id === 'musculoskeletal')!;
    const next = switchTemplate(draftFor(), msk, {}, 1);
    expect(next.templateId).toBe('musculoskeletal');
    expect(next.sections.reason).toContain('six weeks');
    expect(next.items).toHaveLength(4);
  });

  it('renders a PDF whose text has the patient, NHS number, the problems as edited and the reason, without removed items', async () => {
    const text = await pdfText(await renderLetterPdf(buildLetterDocument(general, draftFor(), ctx)));
    const printed = [
      'JONES, Sarah (Mrs)',
      '943 476 5919',
      '14 March 1958',
      'Essential hypertension',
      'Exertional chest pain (since October)',
      'Exertional chest pain for six weeks, worse on hills.',
      'Referral to Good Cardiology Business Service',
      'Penicillin - rash',
      '1 December 2026',
    ];
    for (const line of printed) expect(text).toContain(line);
    expect(text).not.toContain('Amlodipine');
  });

  it('a long letter runs onto more pages, each with the patient’s name, NHS number and page number', async () => {
    const d = draftFor();
    d.sections.history = Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1}: ${'symptoms and results '.repeat(12)}`).join('\n\n');
    const pages = await pdfPages(await renderLetterPdf(buildLetterDocument(general, d, ctx)));
    expect(pages.length).toBeGreaterThan(1);
    for (const [i, page] of pages.entries()) {
      expect(page).toContain('JONES, Sarah (Mrs) - NHS number 943 476 5919');
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
    }
    expect(pages.join('\n')).toContain('Paragraph 40:');
  });

  it('text the standard fonts cannot show becomes a close form or "?" instead of failing the letter', async () => {
    const d = draftFor();
    d.sections.reason = 'Siobhán — “urgent” ≥ 2 weeks ✓ 患者 ﬁle';
    const text = await pdfText(await renderLetterPdf(buildLetterDocument(general, d, ctx)));
    expect(text).toContain('Siobhán — “urgent” ? 2 weeks ? ?? file');
    expect(toWinAnsi('a\u0007b', new Set([97, 98]))).toBe('ab');
  });
});

describe('the templates offered', () => {
  it('are the built-in ones plus the administrator’s that pass, with a message for each refused one', () => {
    const mine = { id: 'cardio', name: 'Cardiology', title: 'Referral', sections: [{ kind: 'text', id: 'reason', heading: 'Reason' }] };
    const { templates, problems } = letterTemplates([mine, { ...mine, id: 'bad', name: 'Bad one', title: '{{nhs}}' }]);
    expect(templates.map((t) => t.id)).toEqual(['general', 'suspected-cancer', 'musculoskeletal', 'cardio']);
    expect(problems).toEqual([
      'Bad one cannot be used: the template: {{nhs}} is not a placeholder this extension knows (it knows patient.name, patient.nhsNumber, patient.birthDate, patient.gender, patient.address, patient.postcode, referrer.name, referrer.role, referrer.organisation, date, priority, service).',
    ]);
  });
});

describe('editing the record items', () => {
  it('an edit keeps what the page said, and a removed item stays listed but is not printed', () => {
    let d = newLetterDraft(general, {}, recordItemsFrom(report(), NHS), NHS, 0);
    d = editItem(d, 'problems-0', { text: 'Hypertension (well controlled)' }, 1);
    d = editItem(d, 'allergies-0', { included: false }, 2);
    d = writeSection(d, 'reason', 'Chest pain', 3);
    expect(d.items[0]).toMatchObject({ text: 'Hypertension (well controlled)', original: 'Essential hypertension' });
    expect(d.items).toHaveLength(4);
    const text = JSON.stringify(buildLetterDocument(general, d, ctx).blocks);
    expect(text).toContain('Hypertension (well controlled)');
    expect(text).not.toContain('Penicillin');
    expect(d.updatedAt).toBe(3);
  });

  it('names the referrer with their organisation', () => {
    expect(
      referrerFrom({ userName: 'Dr Kate ADAMS', userId: '555000000001', roleLabel: 'Referring clinician', orgName: 'Demo Surgery', ods: 'B86001' }),
    ).toEqual({
      name: 'Dr Kate ADAMS',
      role: 'Referring clinician',
      organisation: 'Demo Surgery (B86001)',
    });
  });

  it('never prints the user id as the referrer’s name: a session with only ids gives the role and the organisation', async () => {
    // The panel's session names the user by id when sign-in gave no name (platform: no id token).
    const referrer = referrerFrom({ userName: '555000000001', userId: '555000000001', roleLabel: 'Referring clinician', ods: 'B86001' });
    expect(referrer).toEqual({ name: undefined, role: 'Referring clinician', organisation: 'B86001' });
    const d = writeSection(newLetterDraft(general, {}, [], NHS, 0), 'reason', 'Chest pain', 1);
    const doc = buildLetterDocument(general, d, { ...ctx, referrer });
    expect(doc.from).toEqual(['B86001', 'Referring clinician']);
    expect(doc.signOff).toEqual(['Yours sincerely,', 'Referring clinician', 'B86001']);
    const text = await pdfText(await renderLetterPdf(doc));
    expect(text).not.toContain('555000000001');
    expect(text).toContain('Referring clinician');
  });
});

describe('a written letter that is not what e-RS would get', () => {
  const written = writeSection(newLetterDraft(general, {}, [], NHS, 0), 'reason', 'Chest pain', 5);
  const file = { id: 'f1' };
  it('stops the referral until it is added as it is now, or discarded (even one started and left empty)', () => {
    expect(writtenLetterBlocker({ letterMode: 'attach', letter: newLetterDraft(general, {}, [], NHS, 0), files: [file] })).toMatch(/letter you wrote/);
    // Written, never added (another file attached instead).
    expect(writtenLetterBlocker({ letterMode: 'attach', letter: written, files: [{ id: 'other' }] })).toMatch(/letter you wrote/);
    // Added, and its PDF is in the letter files.
    const added = { ...written, added: { fileId: 'f1', name: 'Referral_letter.pdf', at: 5 } };
    expect(writtenLetterBlocker({ letterMode: 'attach', letter: added, files: [file] })).toBeUndefined();
    // Its PDF was removed from the files since.
    expect(writtenLetterBlocker({ letterMode: 'attach', letter: added, files: [] })).toMatch(/letter you wrote/);
    // Changed after it was added: the PDF is an older version.
    expect(writtenLetterBlocker({ letterMode: 'attach', letter: writeSection(added, 'reason', 'More', 6), files: [file] })).toMatch(/letter you wrote/);
  });
  it('does not stop a referral with no written letter, or with a letter to follow', () => {
    expect(writtenLetterBlocker({ letterMode: 'attach', files: [file] })).toBeUndefined();
    expect(writtenLetterBlocker({ letterMode: 'to-follow', letter: written, files: [] })).toBeUndefined();
  });
});

describe('a letter changed after it was added', () => {
  it('is marked so the attached PDF is not taken for the letter on screen', () => {
    const d = newLetterDraft(general, {}, [], NHS, 0);
    expect(changedSinceAdded(d)).toBe(false);
    const added = { ...d, added: { fileId: 'f1', name: 'Referral_letter_2026-12-01.pdf', at: 10 }, updatedAt: 10 };
    expect(changedSinceAdded(added)).toBe(false);
    expect(changedSinceAdded(writeSection(added, 'reason', 'More', 11))).toBe(true);
    expect(changedSinceAdded(editItem(added, 'x', { included: false }, 12))).toBe(true);
  });
});
