// Test users (SDS user ids, names, roles) and their legacy smartcard SSO tokens.
//
// Each user is designed to exercise one branch of the role rules (packages/ers-contract/docs/ers-api.md §3, §6):
//  - Adams: several referring roles and also a provider role, so she can refer (RC) and be a
//    namedClinician in searches (SPC at R69).
//  - Baker: referring-clinician *admin* only, so every A010/A011/A021 call must name a referring
//    clinician at B86001.
//  - Cook: provider clinician only; may read reference data/upload, but gets 403 on referral creation.
//  - 000000000101: exactly the roles of the A030 example.
//  - 555020964101: the legacy A001 example smartcard holder (five permissions at R01).
//  - Evans / Dormant: referenced-user edge cases (REFERENCED_USER_IS_NOT_RC_AT_ORG / _IS_NOT_ACTIVE).

export type BusinessFunction =
  | 'REFERRING_CLINICIAN'
  | 'REFERRING_CLINICIAN_ADMIN'
  | 'REFERRING_ADMIN'
  | 'SERVICE_PROVIDER_CLINICIAN'
  | 'SERVICE_PROVIDER_CLINICIAN_ADMIN'
  | 'SERVICE_PROVIDER_ADMIN'
  | 'SERVICE_DEFINER';

export interface Role {
  businessFunction: BusinessFunction;
  ods: string;
}

export interface TestUser {
  id: string;
  title: string;
  given: string;
  family: string;
  /** Inactive users exist in SDS but cannot sign in and cannot be referenced. */
  active: boolean;
  roles: Role[];
  /** Shown on the mock CIS2 login page and in the README. */
  description: string;
}

export const USER_IDS = {
  adams: '021600556514',
  baker: '021600556522',
  cook: '021600556530',
  evans: '021600556549',
  dormant: '021600556557',
  practitioner101: '000000000101',
  legacyGpCard: '555020964101',
} as const;

const RC: BusinessFunction = 'REFERRING_CLINICIAN';
const RCA: BusinessFunction = 'REFERRING_CLINICIAN_ADMIN';
const SPC: BusinessFunction = 'SERVICE_PROVIDER_CLINICIAN';

/** One test user; `roles` as [business function, ODS code] pairs. */
function user(id: string, [title, given, family]: [string, string, string], roles: [BusinessFunction, string][], description: string, active = true): TestUser {
  return { id, title, given, family, active, roles: roles.map(([businessFunction, ods]) => ({ businessFunction, ods })), description };
}

export const TEST_USERS: readonly TestUser[] = [
  user(
    USER_IDS.adams,
    ['Dr', 'Kate', 'ADAMS'],
    [
      [RC, 'B86001'],
      [RC, 'R68'],
      [SPC, 'R69'],
    ],
    'GP and hospital referrer: REFERRING_CLINICIAN at B86001 and R68, SERVICE_PROVIDER_CLINICIAN at R69 (valid namedClinician).',
  ),
  user(
    USER_IDS.baker,
    ['Mx', 'Jo', 'BAKER'],
    [[RCA, 'B86001']],
    'Practice referral admin: REFERRING_CLINICIAN_ADMIN at B86001; must name a referring clinician (e.g. Adams).',
  ),
  user(
    USER_IDS.cook,
    ['Mr', 'Chris', 'COOK'],
    [[SPC, 'R69']],
    'Provider clinician only: SERVICE_PROVIDER_CLINICIAN at R69; no referring role (403 on referral calls).',
  ),
  user(
    USER_IDS.practitioner101,
    ['Dr', 'Sam', 'PRACTITIONER'],
    [
      ['SERVICE_DEFINER', 'R69'],
      [SPC, 'R69'],
      ['SERVICE_PROVIDER_ADMIN', 'R69'],
      [RC, 'R68'],
    ],
    'The A030 example user: SERVICE_DEFINER/SPC/SPA at R69 and REFERRING_CLINICIAN at R68.',
  ),
  user(
    USER_IDS.legacyGpCard,
    ['', 'SA Assurance', 'GP-Card'],
    ([RC, RCA, 'SERVICE_DEFINER', SPC, 'SERVICE_PROVIDER_CLINICIAN_ADMIN'] as const).map((bf): [BusinessFunction, string] => [bf, 'R01']),
    'The legacy A001 example smartcard holder: five permissions at R01 (NHST_X3).',
  ),
  user(
    USER_IDS.evans,
    ['Dr', 'Rhys', 'EVANS'],
    [
      [RC, 'R68'],
      ['REFERRING_ADMIN', 'B86001'],
    ],
    'REFERRING_CLINICIAN at R68 but only REFERRING_ADMIN at B86001 (REFERENCED_USER_IS_NOT_RC_AT_ORG when named at B86001).',
  ),
  user(
    USER_IDS.dormant,
    ['Dr', 'Pat', 'DORMANT'],
    [
      [RC, 'B86001'],
      [SPC, 'R69'],
    ],
    'Inactive SDS user (REFERENCED_USER_IS_NOT_ACTIVE); cannot sign in.',
    false,
  ),
];

export function findUser(id: string): TestUser | undefined {
  return TEST_USERS.find((u) => u.id === id);
}

export function displayName(u: TestUser): string {
  return [u.title, u.given, u.family].filter(Boolean).join(' ');
}

export function holdsRole(u: TestUser, businessFunction: string, ods: string): boolean {
  return u.roles.some((r) => r.businessFunction === businessFunction && r.ods === ods);
}

/**
 * Legacy smartcard SSO tokens (the form the Identity Agent produces). The first one is the token of
 * the legacy A001 example (examples/legacy/A001_request.json, without its stray leading space).
 */
export const TEST_SMARTCARDS = {
  legacyExample: 'AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#',
  adams: 'AQIC5wM2LY4SfczADAMSk4t3Rf0SmArTcArD00001=@AAJTSQACMDE=#',
  baker: 'AQIC5wM2LY4SfczBAKERj0Rca00SmArTcArD00002=@AAJTSQACMDE=#',
  cook: 'AQIC5wM2LY4SfczCOOKchr1sSpc0SmArTcArD00003=@AAJTSQACMDE=#',
} as const;

export const SMARTCARD_OWNERS: Readonly<Record<string, string>> = {
  [TEST_SMARTCARDS.legacyExample]: USER_IDS.legacyGpCard,
  [TEST_SMARTCARDS.adams]: USER_IDS.adams,
  [TEST_SMARTCARDS.baker]: USER_IDS.baker,
  [TEST_SMARTCARDS.cook]: USER_IDS.cook,
};
