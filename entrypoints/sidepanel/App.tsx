// The side panel's shell: header and error, then one screen picked from the store.
// To add a screen (booking, tracking, advice, the letter composer):
// 1. add its name to `ScreenName` in store.ts and the case that leads to it in `screen` there;
// 2. put its state and named actions in store.ts (signals; the PanelApi is injected);
// 3. write screens/<Name>.tsx taking `{ store }`, wrapped in PatientFrame if it shows a patient, and add it to SCREENS below.
import type { FunctionComponent } from 'preact';
import { useLayoutEffect, useMemo } from 'preact/hooks';
import type { PanelApi } from '../../utils/referral/panel-api';
import { PanelHeader } from './components/PanelHeader';
import { AddLetterScreen } from './screens/AddLetter';
import { DoneScreenView } from './screens/Done';
import { DraftScreen } from './screens/Draft';
import { NoDraftScreen } from './screens/NoDraft';
import { SignedOutScreen } from './screens/SignedOut';
import { createPanelStore, type PanelStore, type ScreenName } from './store';

const SCREENS: Record<ScreenName, FunctionComponent<{ store: PanelStore }>> = {
  'signed-out': SignedOutScreen,
  'no-draft': NoDraftScreen,
  draft: DraftScreen,
  done: DoneScreenView,
  'add-letter': AddLetterScreen,
};

export function App({ api }: { api: PanelApi }) {
  const store = useMemo(() => createPanelStore(api), [api]);
  // A layout effect, so the requests start straight after the first render instead of a frame later.
  useLayoutEffect(() => store.actions.connect(), [store]);
  const session = store.session.value;
  const error = store.error.value;
  const Screen = SCREENS[store.screen.value];
  return (
    <main class="panel">
      <h1 class="nhs-visually-hidden">e-RS referral</h1>
      {session && <PanelHeader session={session} api={api} onChanged={store.actions.refreshSession} />}
      {error && (
        <div class="nhs-error-summary" role="alert" data-testid="panel-error">
          <p>{error}</p>
        </div>
      )}
      <Screen store={store} />
    </main>
  );
}
