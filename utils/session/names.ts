// Who is signed in and where, in words for the header and the popup: the user's name (CIS2 userinfo
// or id token, or the legacy session's names) and the organisation's name (A030's organisation
// display, or the legacy permission's orgName; packages/ers-contract/docs/ers-api.md). e-RS does not
// always give them (A030's PractitionerRole carries only the ODS code): then the id is shown with a
// label saying what it is, never as a bare number.

/** The user's name, or their SDS user ID labelled as such. */
export function personName(user: { id?: string; name?: string }): string {
  return user.name || `SDS user ID ${user.id ?? 'unknown'}`;
}

/** The organisation's name, or its ODS code labelled as such. */
export function orgName(role: { ods: string; orgName?: string }): string {
  return role.orgName || `ODS code ${role.ods}`;
}
