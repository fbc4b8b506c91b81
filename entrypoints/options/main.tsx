import { render } from 'preact';
import '../../components/nhs.scss';
import { LetterTemplateSettings } from './LetterTemplateSettings';
import { OptionsForm } from './OptionsForm';
import { PatientContextSettings } from './PatientContextSettings';

function App() {
  return (
    <>
      <header class="nhs-header">
        <span class="nhs-logo" aria-hidden="true">
          NHS
        </span>
        <h1>e-RS Referral Assistant — Settings</h1>
      </header>
      <main class="nhs-container" style={{ maxWidth: '48em' }}>
        <OptionsForm />
        <PatientContextSettings />
        <LetterTemplateSettings />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
