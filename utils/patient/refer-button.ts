// The Refer button: plain DOM in a closed shadow root, so host CSS cannot restyle it and its CSS
// cannot leak into the host. Host text (the patient's name) is only ever set with textContent.
import { formatNhsNumber } from './nhs-number';
import type { PatientContext, PatientContextReport } from './types';

export const REFER_HOST_TAG = 'ers-refer-button';

export interface ReferButton {
  host: HTMLElement;
  /** Exposed for our own tests only (the root is closed to the page). */
  root: ShadowRoot;
  update(report: PatientContextReport, anchor?: Element | null): void;
  setMessage(text: string): void;
  remove(): void;
}

const CSS =
  ':host{all:initial}div{font:14px Arial,sans-serif;background:#fff;border:2px solid #005eb8;border-radius:6px;padding:6px}' +
  'button{all:initial;font:bold 15px Arial,sans-serif;color:#fff;background:#007f3b;border-radius:4px;padding:8px 12px;cursor:pointer}' +
  'button,small{display:block}button:focus-visible{outline:3px solid #fd0}p{margin:4px 0 0;color:#d5281b}p:empty{display:none}';

/** Position of the host element, set inline with !important so host CSS cannot move or hide it. */
const FLOATING = 'position:fixed;right:16px;bottom:16px;z-index:2147483647;display:block';
const INLINE = 'position:relative;display:inline-block;z-index:1';

/** "FAMILY, Given (Title)" from a patient's name, as the host page gave it. */
export function formatPatientName(n: PatientContext['name']): string {
  return `${n.family}${n.given.length ? `, ${n.given.join(' ')}` : ''}${n.prefix ? ` (${n.prefix})` : ''}`;
}

export function displayName(report: PatientContextReport): string {
  return report.patient ? formatPatientName(report.patient.name) : '';
}

export function createReferButton(doc: Document, onClick: () => void): ReferButton {
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, parent: Node) => parent.appendChild(doc.createElement(tag));
  const host = doc.createElement(REFER_HOST_TAG);
  const root = host.attachShadow({ mode: 'closed' });
  el('style', root).textContent = CSS;
  const wrap = el('div', root);
  const button = el('button', wrap);
  const label = el('span', button);
  const nhs = el('small', button);
  const msg = el('p', wrap);
  msg.setAttribute('role', 'status');
  button.addEventListener('click', (e) => {
    e.stopPropagation();
    if (e.isTrusted) onClick(); // only a real click by the user, never one the page synthesises
  });

  return {
    host,
    root,
    update(report, anchor) {
      if (!report.patient) return host.remove();
      const name = displayName(report);
      const n = formatNhsNumber(report.patient.nhsNumber);
      label.textContent = `Refer ${name}`;
      nhs.textContent = `NHS ${n} · e-RS`;
      msg.textContent = '';
      host.setAttribute('style', (anchor ? INLINE : FLOATING).replace(/;|$/g, ' !important;'));
      const parent = anchor ?? doc.body ?? doc.documentElement;
      if (host.parentNode !== parent) parent.appendChild(host);
    },
    setMessage(text) {
      msg.textContent = text;
    },
    remove() {
      host.remove();
    },
  };
}
