// The page side of an administrator's host adapter (content script, written for size; adapters
// arrive compiled by compile.ts): is a record open ("record open" marker), and each field's raw
// values (selectors, labels, patterns). The background parses them (adapter-parse.ts).
import { cleanText } from './page-text';
import type { ActiveAdapter, AdapterPageRead, FieldLocator, NormaliserName, PageVerdict, PatientField } from './types';

/** Most elements a label search looks at, and most values one field may produce. */
export const MAX_LABEL_SCAN = 3000;
export const MAX_VALUES = 100;

const all = (root: ParentNode | null, sel: string, limit: number): Element[] => {
  try {
    return root ? [...root.querySelectorAll(sel)].slice(0, limit) : [];
  } catch {
    return []; // an invalid selector in an admin adapter must not break the reader
  }
};
/** The first element matching `sel`, or null (also for no or an invalid selector). */
export const q = (root: ParentNode, sel?: string): Element | null => (sel && all(root, sel, 1)[0]) || null;

/** Elements holding the value next to a label cell (th/dt/label…): `for=`, next cell, or next sibling. */
function byLabel(doc: Document, loc: FieldLocator): Element[] {
  const want = loc.label!.toLowerCase();
  const out: Element[] = [];
  for (const el of all(loc.within ? q(doc, loc.within) : doc.body, 'th,dt,label,td,b,strong,span,div,p', MAX_LABEL_SCAN)) {
    if (
      el.childElementCount > 1 ||
      cleanText(el.textContent)
        .replace(/[:\s]+$/, '')
        .toLowerCase() !== want
    )
      continue;
    const f = el.getAttribute('for');
    const v = f ? doc.getElementById(f) : (el.nextElementSibling ?? el.parentElement?.nextElementSibling);
    if (v) out.push(v);
    if (!loc.all || out.length >= MAX_VALUES) break;
  }
  return out;
}

/** Raw strings one locator yields (after its pattern). */
export function readLocator(doc: Document, loc: FieldLocator): string[] {
  let els = loc.selector ? all(doc, loc.selector, loc.all ? MAX_VALUES : 1) : [];
  if (!els.length && loc.label) els = byLabel(doc, loc);
  const re = loc.pattern ? new RegExp(loc.pattern, 'iu') : undefined; // compiled/validated upstream; a throw ends in read.ts › readPage
  const out: string[] = [];
  for (const el of els) {
    let t = cleanText(loc.attr ? el.getAttribute(loc.attr) : el.textContent);
    const m = re?.exec(t);
    if (re) t = m ? cleanText(m[1] ?? m[0]) : '';
    if (t) out.push(t);
  }
  return out;
}

/** All raw values of a field from its first locator that yields any, with that locator's normaliser. */
function raw(doc: Document, a: ActiveAdapter, field: PatientField): { v: string[]; n?: NormaliserName } | undefined {
  for (const loc of a.fields[field] ?? []) {
    const v = readLocator(doc, loc);
    if (v.length) return { v, n: loc.normalise };
  }
  return undefined;
}

/** The page side: whether a record is open, and each field's raw values. */
export function readAdapterPage(a: ActiveAdapter, doc: Document): PageVerdict | AdapterPageRead {
  if (!q(doc, a.recordOpen.selector) || q(doc, a.recordOpen.absent))
    return { kind: 'verdict', status: 'none', reason: 'No patient record open', confidence: 1 };
  const fields: AdapterPageRead['fields'] = {};
  for (const f of Object.keys(a.fields) as PatientField[]) {
    fields[f] = raw(doc, a, f) ?? { v: [] };
  }
  return { kind: 'adapter', fields };
}
