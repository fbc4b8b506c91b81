// The side panel's shell: header and error, then the one screen the store's `screen` names. To add a screen
// (booking, tracking, advice, the letter composer): 1. name it in `ScreenName` and decide when it shows in `screen` (store.ts);
// 2. put its state and named actions in store.ts (signals; the PanelApi is injected, tests pass test/panel/fake-api.ts);
// 3. write screens/<Name>.tsx taking `{ store }`, inside PatientFrame if it shows a patient; 4. add it to SCREENS below,
// through lazyScreen (its body, with its frame) if it is rarely shown, so that the scripts the panel starts with stay small.
import { signal } from '@preact/signals';
import { type ComponentChildren, Fragment, type FunctionComponent } from 'preact';
import { useLayoutEffect, useMemo } from 'preact/hooks';
import type { PanelApi } from '../../utils/referral/panel-api';
import { PanelHeader } from './components/PanelHeader';
import { PanelError, PatientFrame } from './components/PatientFrame';
import { DraftScreen, DraftSteps } from './screens/Draft';
import { NoDraftScreen } from './screens/NoDraft';
import { SignedOutScreen } from './screens/SignedOut';
import { createPanelStore, type PanelStore, type ScreenName } from './store';

type Screen = FunctionComponent<{ store: PanelStore }>;

type Frame = FunctionComponent<{ store: PanelStore; children?: ComponentChildren }>;

/**
 * A screen shown rarely (after a submission, or when its outcome is unknown) is loaded the first
 * time it is shown, so that the scripts the panel starts with stay small as screens are added. Its
 * frame (the patient, the lists) shows at once; its body joins it once loaded, or the panel says it
 * could not be loaded.
 */
function lazyScreen(load: () => Promise<Screen>, Frame: Frame): Screen {
  const loaded = signal<Screen | undefined>(undefined);
  let asked = false;
  return ({ store }) => {
    if (!asked) {
      asked = true;
      void load()
        .then((screen) => {
          loaded.value = screen;
        })
        .catch((e: Error) => store.actions.showError(`This part of the panel could not be loaded (${e.message}). Close the side panel and open it again.`));
    }
    const Body = loaded.value;
    return <Frame store={store}>{Body && <Body store={store} />}</Frame>;
  };
}

// The Referrals view, and the line above every screen that opens it (its count, and the open patient's
// referrals before a new one is started): one chunk, loaded after the panel has painted.
const referrals = () => import('./screens/Referrals');
const ReferralsBar = lazyScreen(() => referrals().then((m) => m.ReferralsBar), Fragment as Frame);

const SCREENS: Record<ScreenName, Screen> = {
  'signed-out': SignedOutScreen,
  'no-draft': NoDraftScreen,
  draft: DraftScreen,
  'outcome-unknown': lazyScreen(() => import('./screens/OutcomeUnknown').then((m) => m.OutcomeUnknownBody), DraftSteps),
  done: lazyScreen(() => import('./screens/Done').then((m) => m.DoneBody), PatientFrame),
  'add-letter': lazyScreen(() => import('./screens/AddLetter').then((m) => m.AddLetterBody), PatientFrame),
  letter: lazyScreen(() => import('./screens/Letter').then((m) => m.LetterBody), PatientFrame),
  referrals: lazyScreen(() => referrals().then((m) => m.ReferralsBody), Fragment as Frame),
  advice: lazyScreen(() => import('./screens/Advice').then((m) => m.AdviceBody), PatientFrame),
};

/** Refer or ask for advice, above the referral and advice screens (loaded just after start). */
const RequestChoice = lazyScreen(() => import('./components/RequestChoice').then((m) => m.RequestChoice), Fragment as Frame);

export function App({ api }: { api: PanelApi }) {
  const store = useMemo(() => createPanelStore(api), [api]);
  // A layout effect, so the requests start straight after the first render instead of a frame later.
  useLayoutEffect(() => store.actions.connect(), [store]);
  const session = store.session.value;
  const screen = store.screen.value;
  const Screen = SCREENS[screen];
  return (
    <main class="panel">
      <h1 class="nhs-visually-hidden">e-RS referral</h1>
      {session && <PanelHeader session={session} api={api} onChanged={store.actions.refreshSession} store={store} />}
      {/* Screens with a patient show it under the patient's name (PatientFrame). */}
      {(screen === 'signed-out' || screen === 'referrals') && <PanelError store={store} />}
      <ReferralsBar store={store} />
      <RequestChoice store={store} />
      <Screen store={store} />
    </main>
  );
}
