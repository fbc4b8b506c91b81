import { render } from 'preact';
import { PatientSiteAccess } from '@/utils/patient/ui/PatientSiteAccess';

function App() {
  return <main><h1>e-RS Referral Assistant</h1><p>popup</p><PatientSiteAccess /></main>;
}

render(<App />, document.getElementById('app')!);
