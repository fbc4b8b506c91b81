// A019 patient letter: what the patient is told after the referral is made, as a real PDF.
//
// Letter type depends on the referral state (packages/ers-contract/docs/ers-api.md §10.13): an unbooked referral gets booking
// instructions with the shortlist and access details; one sent to triage tells the patient the
// service will contact them within the PRIORITY code system's triageContactDays.

import { createHash } from 'node:crypto';
import { formatNhsNumber } from 'ers-contract/nhs-number';
import { type Directory, locationOf } from './directory';
import { diag, unprocessable } from './errors';
import { type PdfLine, buildPdf } from './pdf';
import { PRIORITY_DISPLAY, priorityContactDays } from './reference-data';
import { findPatient } from './rules';
import type { Referral } from './state';

export function letterType(r: Pick<Referral, 'state'>): string {
  return r.state === 'AWAITING_TRIAGE' ? 'Triage_Summary' : 'Booking_Instructions';
}

/** `<UBRN>_<LetterType>_<yyyyMMddHHmmss>.pdf` (UTC). */
export function letterFileName(r: Pick<Referral, 'ubrn' | 'state'>, now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${r.ubrn}_${letterType(r)}_${stamp}.pdf`;
}

/** "000000070000" → "0000 0007 0000", the way UBRNs are printed for patients. */
export function formatUbrn(ubrn: string): string {
  return ubrn.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3');
}

/** Deterministic booking password per referral, so a regenerated letter shows the same one. */
export function accessCode(ubrn: string): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const h = createHash('sha256').update(`ers-sim:${ubrn}`).digest();
  return Array.from(h.subarray(0, 8), (b) => alphabet[b % alphabet.length]).join('');
}

/** Adds `days` working days (Mon–Fri) to `from`. */
export function addWorkingDays(from: Date, days: number): Date {
  const d = new Date(from);
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return d;
}

function longDate(d: Date): string {
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function generateLetter(r: Referral, dir: Directory, now: Date): { fileName: string; pdf: Buffer } {
  const patient = findPatient(r.patientNhsNumber);
  if (!patient) throw unprocessable('PATIENT_ERROR', diag('subject', 'patient', 'patient record not available'));
  if (patient.noAccessCode) {
    throw unprocessable('NO_ACCESS_CODE', diag('subject', 'patient', 'patient has no access code for the NHS e-Referral Service'));
  }
  const lines: PdfLine[] = [
    { text: 'NHS e-Referral Service', size: 18, bold: true },
    { text: r.state === 'AWAITING_TRIAGE' ? 'Your referral has been sent for review' : 'How to book your appointment', size: 14, bold: true, gapBefore: 6 },
    { text: `Date: ${longDate(now)}`, gapBefore: 10 },
    { text: `${[patient.title, patient.given, patient.family].filter(Boolean).join(' ')}`, gapBefore: 10 },
    { text: patient.address },
    { text: patient.postcode },
    { text: `NHS number: ${formatNhsNumber(patient.nhsNumber)}`, gapBefore: 10 },
    { text: `Booking reference number: ${formatUbrn(r.ubrn)}`, bold: true },
    { text: `Password: ${accessCode(r.ubrn)}`, bold: true },
    { text: `Priority: ${PRIORITY_DISPLAY[r.priority] ?? r.priority}` },
  ];
  if (r.state === 'AWAITING_TRIAGE' && r.appointment) {
    const svc = dir.services.get(r.appointment.serviceId);
    const by = addWorkingDays(new Date(r.appointment.created), priorityContactDays(r.priority).triage);
    lines.push(
      { text: 'What happens next', size: 13, bold: true, gapBefore: 14 },
      {
        text: `Your referral has been sent to ${r.appointment.serviceName} so that a specialist can review it and decide the best next step for you. You do not need to book anything now.`,
      },
      {
        text: `The service will contact you by ${longDate(by)}. If you have not heard from them by then, please call them${svc ? ` on ${svc.phone}` : ''}.`,
        gapBefore: 6,
      },
    );
  } else {
    lines.push(
      { text: 'Your choice of services', size: 13, bold: true, gapBefore: 14 },
      { text: 'Your referrer has chosen the following services with you. You can book an appointment at any of them.' },
    );
    r.shortlist.forEach((s, i) => {
      const svc = dir.services.get(s.serviceId);
      const where = svc ? locationOf(dir, svc) : undefined;
      lines.push({ text: `${i + 1}. ${s.display}`, bold: true, gapBefore: 6 });
      if (where) lines.push({ text: `${where.name}, ${where.postcode}` });
      if (svc?.flows.includes('TRIAGE_REQUEST')) lines.push({ text: 'This service reviews referrals first; your referrer will send your referral to it.' });
      else if (svc?.bookableType === 'INDIRECTLY_BOOKABLE')
        lines.push({ text: `To book this service, call ${svc.phone} and quote your booking reference number.` });
      else if (svc) lines.push({ text: 'You can book this service online or by phone.' });
    });
    lines.push(
      { text: 'How to book', size: 13, bold: true, gapBefore: 14 },
      { text: 'Online: go to www.nhs.uk/referrals or use the NHS App, and enter your booking reference number and password.' },
      {
        text: 'By phone: call the NHS e-Referral Service on 0345 608 8888 (8am to 8pm Monday to Friday, 8am to 4pm weekends and bank holidays).',
        gapBefore: 6,
      },
      { text: 'Please book as soon as possible. Keep this letter: you will need the booking reference number and password.', gapBefore: 6 },
    );
  }
  lines.push({ text: 'This letter was produced by the e-RS simulator for testing. It is not a real NHS letter.', size: 8, gapBefore: 20 });
  return {
    fileName: letterFileName(r, now),
    pdf: buildPdf(lines, { title: `${letterType(r).replace(/_/g, ' ')} ${r.ubrn}`, creationDate: now }),
  };
}
