// `npm run demo`: the product's main job on the embedded default. Starts the e-RS simulator (with
// its demo clinical systems and mock NHS CIS2) on 127.0.0.1:4010 and the token relay on :4011 —
// the addresses the extension's "simulator" environment uses out of the box — then opens
// Chrome/Edge/Chromium (CHROME_PATH picks one) with the extension on a demo GP record.
//
// With a display it stays open for you to use (Ctrl-C to stop). With no display (or --headless)
// it runs the same referral headless, prints each step and the UBRN, and saves screenshots of the
// record page, the panel at each step and the patient letter to demo-output/ (or --out DIR).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { USER_IDS } from 'ers-simulator';
import { ROOT } from './lib/chromium';
import { sampleLetterPdf } from './lib/sample-letter';
import { startStage } from './lib/stage';
import { openPanelFromRecord, referFromRecord, signInFromPanel } from './lib/walkthrough';

const { values } = parseArgs({
  options: {
    headless: { type: 'boolean' },
    interactive: { type: 'boolean' },
    out: { type: 'string' },
    patient: { type: 'string', default: '9434765919' },
    port: { type: 'string', default: '4010' },
    'relay-port': { type: 'string', default: '4011' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(`npm run demo [-- --headless | --interactive] [--out DIR] [--patient NHS_NUMBER]
  --headless      run the referral walkthrough without a window (default when there is no display)
  --interactive   open a browser window for you to use (default when there is a display)
  --out DIR       where the headless run saves screenshots and the patient letter (default demo-output)
  --patient N     demo patient NHS number (default 9434765919, Mrs Sarah JONES)
Environment: CHROME_PATH chooses Chrome, Edge or Chromium.`);
  process.exit(0);
}

const hasDisplay = !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) || process.platform === 'darwin' || process.platform === 'win32';
const headless = values.headless ?? (values.interactive ? false : !hasDisplay);
const secret = 'demo-relay-secret-not-for-production';
const outDir = path.resolve(values.out ?? path.join(ROOT, 'demo-output'));

const stage = await startStage({
  simPort: Number(values.port),
  relayPort: Number(values['relay-port']),
  headless,
  clientSecret: secret,
  sim: { log: false },
  relayLog: (line) => console.warn(line),
}).catch((error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE')
    console.error(
      `Port ${values.port} or ${values['relay-port']} is in use (another simulator or demo running?). Stop it, or pass --port and --relay-port and set the extension's addresses to match in its options page.`,
    );
  else console.error(error.message);
  process.exit(1);
});
const { browser, sim } = stage;
console.log(`e-RS simulator   ${sim.url}   (demo clinical systems at ${sim.url}/demo/)`);
console.log(`token relay      ${stage.relayUrl}`);
const record = `/demo/gp/record-${values.patient}.html`;

async function shutdown(code: number): Promise<never> {
  await stage.close();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));

if (!headless) {
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  await page.goto(`${sim.url}${record}`);
  console.log(`\nChrome is open on a demo GP record with the extension loaded.
  1. Press "Refer" on the record (or Alt+Shift+R).
  2. In the side panel: "Sign in to e-RS", choose Dr Kate ADAMS on the mock NHS CIS2 page, choose a role.
  3. Search, add a service, attach a letter, submit; the patient letter opens for printing.
Other demo systems: ${sim.url}/demo/   Press Ctrl-C to stop.`);
  await new Promise(() => undefined);
}

// Headless walkthrough.
mkdirSync(outDir, { recursive: true });
const letterFile = path.join(outDir, 'referral-letter.pdf');
writeFileSync(letterFile, await sampleLetterPdf('Dear colleague, thank you for seeing this patient with exertional chest pain.'));
try {
  console.log('\nSigning in as Dr Kate ADAMS through the mock NHS CIS2 page and the relay…');
  const first = await browser.newPage();
  await first.goto(`${sim.url}${record}`);
  const panel = await openPanelFromRecord(browser, first);
  await signInFromPanel(stage, panel, USER_IDS.adams, 'REFERRING_CLINICIAN|B86001');
  await first.close();
  console.log('Signed in. The referral, as the clinician does it:');
  const result = await referFromRecord(stage, { record, nhsNumber: values.patient!, letterFile, screenshots: outDir, log: (l) => console.log(`  ${l}`) });
  console.log(`\nReferral created. UBRN ${result.ubrn}`);
  console.log(`User actions: ${result.actions}; patient details typed: ${result.typedPatientFields}`);
  console.log(`Screenshots and the patient letter are in ${outDir}:`);
  for (const file of result.screenshots) console.log(`  ${path.relative(process.cwd(), file)}`);
  await shutdown(0);
} catch (error) {
  console.error(`\nThe demo referral did not complete: ${(error as Error).message}`);
  await shutdown(1);
}
