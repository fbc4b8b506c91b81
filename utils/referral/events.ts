// Background → extension pages: a draft's submission moved on (re-read it from IndexedDB).
export const DRAFT_CHANGED = 'referral/changed';
export interface DraftChangedEvent {
  type: typeof DRAFT_CHANGED;
  draftId: string;
}
