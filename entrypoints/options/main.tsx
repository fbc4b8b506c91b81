import { render } from 'preact';

function App() {
  return <main><h1>e-RS Referral Assistant</h1><p>options</p></main>;
}

render(<App />, document.getElementById('app')!);
