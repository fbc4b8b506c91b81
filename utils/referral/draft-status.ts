// A draft's state in the side panel's drafts list (components/DraftsList.tsx, loaded when shown). Pure.
import type { Draft } from './model';

/**
 * What a draft's state means for the user, in the drafts list: never "Submitting" for a create
 * e-RS refused (nothing was sent), and a sent referral says what it still needs.
 */
export function draftStatus(d: Pick<Draft, 'submission' | 'letterMode' | 'attention'>): { label: string; tone: 'grey' | 'blue' | 'green' | 'yellow' | 'red' } {
  const s = d.submission;
  if (d.attention) return { label: 'Needs attention', tone: 'red' };
  switch (s.phase) {
    case 'editing':
      return { label: 'Draft, not sent', tone: 'grey' };
    case 'ready':
      return s.error ? { label: 'Not sent: e-RS refused it', tone: 'red' } : { label: 'Sending', tone: 'blue' };
    case 'creating':
      return { label: 'Sending', tone: 'blue' };
    case 'outcome-unknown':
      return { label: 'Check in e-RS: it may have been created', tone: 'red' };
    case 'complete':
      return d.letterMode === 'to-follow' ? { label: 'Sent, letter to follow', tone: 'yellow' } : { label: 'Sent', tone: 'green' };
    default:
      // created, triaging, uploading, attaching, letter-attached: in e-RS, a later step still running or failed.
      return s.error ? { label: 'Sent, but a step failed: open it', tone: 'red' } : { label: 'Sent, finishing', tone: 'blue' };
  }
}
