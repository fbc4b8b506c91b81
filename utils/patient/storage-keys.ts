// Where the background keeps each tab's patient context (storage.session), shared with the side
// panel without pulling the background's code into the panel's bundle.

/** storage.session: latest context per tab (the panel reads it and watches storage.onChanged). */
export const tabStateKey = (tabId: number) => `patientContext.tab.${tabId}`;
/** storage.session: the last "open the panel on this patient" request. */
export const PANEL_REQUEST_KEY = 'patientContext.panelRequest';
