import { render } from 'preact';
import { PatientContextSettings } from '@/utils/patient/ui/PatientContextSettings';

function App() {
  return <main><h1>e-RS Referral Assistant</h1><p>options</p><PatientContextSettings /></main>;
}

render(<App />, document.getElementById('app')!);
