// What switching role means for work in progress, in words (pure). Drafts belong to the user in the
// organisation they were started in (ownerKey in utils/referral/model.ts: SDS user ID @ ODS code),
// and e-RS creates a referral in the role the user is in when it is sent. So a switch while a draft
// is open is never silent: the side panel and the popup show this warning and wait for a choice.
import { orgName } from './names';
import { businessFunctionLabel, type Role } from './state';

export interface RoleSwitchWarning {
  title: string;
  lines: string[];
  /** Switch and keep the draft(s); absent when switching must wait (a referral is being sent). */
  keep?: string;
  /** Switch and delete the open draft (the panel only). */
  startAgain?: string;
  /** Stay in the current role. */
  stay: string;
}

/** The work a switch would affect: the panel's open draft, or the popup's count of unsent drafts. */
export type OpenWork = { kind: 'draft'; patient: string; sending: boolean } | { kind: 'drafts'; count: number };

const job = (r: Role) => businessFunctionLabel(r.businessFunction);
const where = (r: Role) => `${job(r)} at ${orgName(r)}`;

/** The warning for a switch from `from` to `to` with `work` open; undefined when nothing is open. */
export function roleSwitchWarning(from: Role, to: Role, work: OpenWork): RoleSwitchWarning | undefined {
  const stay = `Stay as ${where(from)}`;
  if (work.kind === 'drafts' && work.count === 0) return undefined;
  if (work.kind === 'draft' && work.sending) {
    return {
      title: 'A referral is being sent',
      lines: [`The referral for ${work.patient} is being sent as ${where(from)}. Wait until it has been sent before you switch role.`],
      stay,
    };
  }
  const sameOrg = from.ods === to.ods;
  const what =
    work.kind === 'draft' ? `The shortlist and draft for ${work.patient}` : work.count === 1 ? 'Your unsent draft' : `Your ${work.count} unsent drafts`;
  const them = work.kind === 'draft' || work.count === 1 ? 'it' : 'them';
  const lines = [
    `${what} ${work.kind === 'drafts' && work.count === 1 ? 'was' : 'were'} started as ${where(from)}. A referral is created in the role you are in when you send it.`,
    sameOrg
      ? `If you carry on with ${them} after switching, the referral is sent as ${job(to)} at ${orgName(to)}.`
      : `${them === 'it' ? 'It stays' : 'They stay'} with ${orgName(from)} and will not be sent as ${orgName(to)}: switch back to ${orgName(from)} to carry on with ${them}.`,
  ];
  return {
    title: `Switch to ${where(to)}?`,
    lines,
    keep: sameOrg ? `Switch role and carry on with ${them}` : `Switch role and keep ${them} for ${orgName(from)}`,
    ...(work.kind === 'draft' ? { startAgain: `Delete this draft and start again as ${job(to)}` } : {}),
    stay,
  };
}
