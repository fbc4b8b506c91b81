// A019 patient letter: what the patient is told after the referral is made, as a real PDF rendered
// by the extension's own letter renderer (utils/letter/pdf.ts, pdf-lib), in the same NHS layout.
//
// Letter type depends on the referral state (packages/ers-contract/docs/ers-api.md §10.13): an unbooked referral gets booking
// instructions with the shortlist and access details; one sent to triage tells the patient the
// service will contact them within the PRIORITY code system's triageContactDays.

import { createHash } from 'node:crypto';
import { formatNhsNumber } from 'ers-contract/nhs-number';
import { type LetterBlock, type LetterDocument, letterDate } from '../../../utils/letter/document';
import { renderLetterPdf } from '../../../utils/letter/pdf';
import { type Directory, locationOf } from './directory';
import { diag, unprocessable } from './errors';
import { PRIORITY_DISPLAY, priorityContactDays } from './reference-data';
import { findPatient } from './rules';
import type { Referral } from './state';

export function letterType(r: Pick<Referral, 'state'>): string {
  if (r.state === 'BOOKED') return 'Appointment_Confirmation_Summary';
  if (r.state === 'DEFERRED_TO_PROVIDER') return 'Deferral_Summary';
  return r.state === 'AWAITING_TRIAGE' ? 'Triage_Summary' : 'Booking_Instructions';
}

function appointmentTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/London',
  });
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

export async function generateLetter(r: Referral, dir: Directory, now: Date): Promise<{ fileName: string; pdf: Buffer }> {
  const patient = findPatient(r.patientNhsNumber);
  if (!patient) throw unprocessable('PATIENT_ERROR', diag('subject', 'patient', 'patient record not available'));
  if (patient.noAccessCode) {
    throw unprocessable('NO_ACCESS_CODE', diag('subject', 'patient', 'patient has no access code for the NHS e-Referral Service'));
  }
  const name = [patient.title, patient.given, patient.family].filter(Boolean).join(' ');
  const blocks: LetterBlock[] = [];
  if (r.state === 'BOOKED' && r.appointment?.start) {
    const svc = dir.services.get(r.appointment.serviceId);
    const where = svc ? locationOf(dir, svc) : undefined;
    blocks.push(
      { kind: 'heading', text: 'Your appointment' },
      { kind: 'paragraph', text: `When: ${appointmentTime(r.appointment.start)}` },
      { kind: 'paragraph', text: `Where: ${r.appointment.serviceName}${where ? `, ${where.name}, ${where.postcode}` : ''}` },
      ...(r.appointment.clinician ? [{ kind: 'paragraph' as const, text: `Clinician: ${r.appointment.clinician}` }] : []),
      {
        kind: 'paragraph',
        text: `If you need to change or cancel it, go to www.nhs.uk/referrals with your booking reference number and password${svc ? `, or call the service on ${svc.phone}` : ''}.`,
      },
    );
  } else if (r.state === 'DEFERRED_TO_PROVIDER' && r.appointment) {
    const svc = dir.services.get(r.appointment.serviceId);
    const by = addWorkingDays(new Date(r.appointment.created), priorityContactDays(r.priority).deferToProvider);
    blocks.push(
      { kind: 'heading', text: 'What happens next' },
      { kind: 'paragraph', text: `No appointment could be booked today, so ${r.appointment.serviceName} will contact you to arrange one.` },
      {
        kind: 'paragraph',
        text: `They will contact you by ${letterDate(by)}. If you have not heard from them by then, please call them${svc ? ` on ${svc.phone}` : ''}.`,
      },
    );
  } else if (r.state === 'AWAITING_TRIAGE' && r.appointment) {
    const svc = dir.services.get(r.appointment.serviceId);
    const by = addWorkingDays(new Date(r.appointment.created), priorityContactDays(r.priority).triage);
    blocks.push(
      { kind: 'heading', text: 'What happens next' },
      {
        kind: 'paragraph',
        text: `Your referral has been sent to ${r.appointment.serviceName} so that a specialist can review it and decide the best next step for you. You do not need to book anything now.`,
      },
      {
        kind: 'paragraph',
        text: `The service will contact you by ${letterDate(by)}. If you have not heard from them by then, please call them${svc ? ` on ${svc.phone}` : ''}.`,
      },
    );
  } else {
    blocks.push(
      { kind: 'heading', text: 'Your choice of services' },
      { kind: 'paragraph', text: 'Your referrer has chosen the following services with you. You can book an appointment at any of them.' },
    );
    const choices = r.shortlist.map((s) => {
      const svc = dir.services.get(s.serviceId);
      const where = svc ? locationOf(dir, svc) : undefined;
      const lines = [s.display];
      if (where) lines.push(`${where.name}, ${where.postcode}`);
      if (svc?.flows.includes('TRIAGE_REQUEST')) lines.push('This service reviews referrals first; your referrer will send your referral to it.');
      else if (svc?.bookableType === 'INDIRECTLY_BOOKABLE') lines.push(`To book this service, call ${svc.phone} and quote your booking reference number.`);
      else if (svc) lines.push('You can book this service online or by phone.');
      return lines.join('\n');
    });
    blocks.push(
      { kind: 'list', items: choices, numbered: true },
      { kind: 'heading', text: 'How to book' },
      { kind: 'paragraph', text: 'Online: go to www.nhs.uk/referrals or use the NHS App, and enter your booking reference number and password.' },
      {
        kind: 'paragraph',
        text: 'By phone: call the NHS e-Referral Service on 0345 608 8888 (8am to 8pm Monday to Friday, 8am to 4pm weekends and bank holidays).',
      },
      { kind: 'paragraph', text: 'Please book as soon as possible. Keep this letter: you will need the booking reference number and password.' },
    );
  }
  const doc: LetterDocument = {
    title:
      r.state === 'BOOKED'
        ? 'Your appointment is booked'
        : r.state === 'DEFERRED_TO_PROVIDER'
          ? 'The service will contact you to book'
          : r.state === 'AWAITING_TRIAGE'
            ? 'Your referral has been sent for review'
            : 'How to book your appointment',
    from: ['NHS e-Referral Service'],
    to: [name, patient.address, patient.postcode],
    date: letterDate(now),
    patient: [
      ['NHS number', formatNhsNumber(patient.nhsNumber)],
      ['Booking reference number', formatUbrn(r.ubrn)],
      ['Password', accessCode(r.ubrn)],
      ['Priority', PRIORITY_DISPLAY[r.priority] ?? r.priority],
    ],
    blocks,
    footer: `${name} - NHS number ${formatNhsNumber(patient.nhsNumber)}`,
    note: 'This letter was produced by the e-RS simulator for testing. It is not a real NHS letter.',
  };
  const pdf = await renderLetterPdf(doc, { creationDate: now, producer: 'e-RS simulator' });
  return { fileName: letterFileName(r, now), pdf: Buffer.from(pdf) };
}
