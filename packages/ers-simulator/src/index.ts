// Public surface of the e-RS simulator package: start one in-process, its test users, smartcards and
// patients, and the PDF builder the demo and bench scripts use for letters.
export * from './server';
export { buildPdf, type PdfLine } from './pdf';
