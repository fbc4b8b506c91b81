// Public surface of the e-RS simulator package: start one in-process, its test users, smartcards and
// patients.
export * from './server';
