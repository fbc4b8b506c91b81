// Generates the demo clinical systems served under /demo/ from the simulator's test patients, so the
// pages and the simulator never disagree. The simulator renders them in memory when it starts; to get
// them as files (e.g. to host elsewhere): `npx tsx packages/ers-simulator/demo/generate.ts OUT_DIR`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_PATIENTS, type TestPatient } from '../src/data/patients';

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const spaced = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
const parts = (iso: string) => iso.split('-').map(Number) as [number, number, number];
const dmyMon = (iso: string, sep = '-') => {
  const [y, m, d] = parts(iso);
  return `${String(d).padStart(2, '0')}${sep}${MON[m - 1]}${sep}${y}`;
};
const dmySlash = (iso: string) => {
  const [y, m, d] = parts(iso);
  return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
};
const sexWord = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Patients shown by the demo systems: every test patient whose NHS number passes modulus 11. */
export const DEMO_PATIENTS = TEST_PATIENTS.filter((p) => p.nhsNumber !== '9190000000');

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}
const pick = <T>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;

const CLINICIANS = ['Dr A Khan', 'Dr P Walsh', 'Nurse J Reid', 'Dr M Osei', 'HCA L Brown', 'Dr S Lee'];
const CONSULT = [
  'Telephone consultation. Symptoms reviewed, advice given, safety-netted.',
  'Face to face. BP checked, lifestyle advice, review in 3 months.',
  'Medication review completed. No side effects reported.',
  'Results reviewed and discussed; repeat bloods in 6 weeks.',
  'Seen with relative. Examination unremarkable. Reassured.',
  'Annual review. Smoking status recorded, weight recorded.',
  'Repeat prescription request authorised.',
  'Letter from hospital filed and actioned.',
];
const RESULTS = ['Haemoglobin', 'Serum sodium', 'Serum potassium', 'eGFR', 'HbA1c', 'Total cholesterol', 'TSH', 'ALT', 'CRP'];

function page(title: string, body: string, extraHead = ''): string {
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${esc(title)}</title>\n<link rel="stylesheet" href="../assets/demo.css">\n${extraHead}</head>\n${body}\n</html>\n`;
}

// ---------- GP system: table layout, NHS number as `943 476 5919` ----------
const GP_NAV = [
  'Summary',
  'Consultations',
  'Medication',
  'Problems',
  'Investigations',
  'Care history',
  'Documents',
  'Referrals',
  'Appointments',
  'Tasks',
  'Registration',
  'Recalls',
];

function gpRecord(p: TestPatient, nameOverride?: string): string {
  const r = rng(Number(p.nhsNumber.slice(-6)));
  const name = nameOverride ?? `${p.family}, ${p.given} (${p.title})`;
  const consults = Array.from({ length: 40 }, (_, i) => {
    const y = 2026 - Math.floor(i / 6);
    const d = `${String(1 + Math.floor(r() * 27)).padStart(2, '0')}-${MON[Math.floor(r() * 12)]}-${y}`;
    return `<tr><td class="date">${d}</td><td>${esc(pick(r, CLINICIANS))}</td><td>${esc(pick(r, CONSULT))}</td></tr>`;
  }).join('\n');
  const results = Array.from({ length: 30 }, () => {
    const t = pick(r, RESULTS);
    return `<tr><td>${t}</td><td>${(r() * 100).toFixed(1)}</td><td>${String(1 + Math.floor(r() * 27)).padStart(2, '0')}-${MON[Math.floor(r() * 12)]}-2025</td><td><span class="flag">${r() > 0.8 ? 'Abnormal' : 'Normal'}</span></td></tr>`;
  }).join('\n');
  const rows = (xs: string[] | undefined, cls: string, empty: string) =>
    (xs?.length ? xs : []).map((x) => `<tr><td class="${cls}">${esc(x)}</td><td>Active</td></tr>`).join('\n') ||
    `<tr><td colspan="2" class="empty">${empty}</td></tr>`;
  return page(
    `${p.family}, ${p.given} - Patient record - DemoGP Clinical`,
    `<body class="gp">
<header class="gp-top"><span class="brand">DemoGP Clinical</span> <span class="site">Park Surgery (B86001)</span> <span class="user">Logged in: Dr A Khan</span></header>
<div class="gp-layout">
<nav class="gp-nav"><ul>
${GP_NAV.map((n) => `<li><a href="#${n.toLowerCase().replace(/ /g, '-')}">${n}</a></li>`).join('\n')}
</ul><p><a href="index.html">&larr; Patient list</a></p></nav>
<main id="record" class="record" data-record="patient">
<table class="demographics" id="patient-details">
<caption>Patient details</caption>
<tbody>
<tr><th>Name</th><td class="pt-name">${esc(name)}</td><th>NHS Number</th><td class="pt-nhs">${spaced(p.nhsNumber)}</td></tr>
<tr><th>Date of Birth</th><td>${dmyMon(p.birthDate)}</td><th>Sex</th><td>${sexWord(p.sex)}</td></tr>
<tr><th>Address</th><td>${esc(p.address)}, ${esc(p.postcode)}</td><th>Usual GP</th><td>${p.gpPractice ? `Dr A Khan, Park Surgery (${p.gpPractice})` : 'Not registered'}</td></tr>
</tbody>
</table>
<section id="problems"><h2>Problems</h2><table><thead><tr><th>Problem</th><th>Status</th></tr></thead><tbody>
${rows(p.problems, 'term', 'No problems recorded')}
</tbody></table></section>
<section id="medication"><h2>Medication</h2><table><thead><tr><th>Drug</th><th>Status</th></tr></thead><tbody>
${rows(p.medications, 'drug', 'No current medication')}
</tbody></table></section>
<section id="allergies"><h2>Allergies</h2><table><thead><tr><th>Allergy</th><th>Status</th></tr></thead><tbody>
${rows(p.allergies, 'allergy', 'None recorded')}
</tbody></table></section>
<section id="consultations"><h2>Consultations</h2><table><thead><tr><th>Date</th><th>Clinician</th><th>Entry</th></tr></thead><tbody>
${consults}
</tbody></table></section>
<section id="investigations"><h2>Investigations</h2><table><thead><tr><th>Test</th><th>Value</th><th>Date</th><th>Flag</th></tr></thead><tbody>
${results}
</tbody></table></section>
</main>
</div>
</body>`,
  );
}

function gpIndex(): string {
  return page(
    'Patient list - DemoGP Clinical',
    `<body class="gp">
<header class="gp-top"><span class="brand">DemoGP Clinical</span> <span class="site">Park Surgery (B86001)</span></header>
<main class="list"><h1>Find a patient</h1>
<table class="patient-list"><thead><tr><th>Name</th><th>NHS Number</th><th>Date of Birth</th><th>Postcode</th></tr></thead><tbody>
${DEMO_PATIENTS.map((p) => `<tr><td><a href="record-${p.nhsNumber}.html">${esc(`${p.family}, ${p.given} (${p.title})`)}</a></td><td>${spaced(p.nhsNumber)}</td><td>${dmyMon(p.birthDate)}</td><td>${esc(p.postcode)}</td></tr>`).join('\n')}
</tbody></table></main>
</body>`,
  );
}

// ---------- Hospital EPR: sticky patient banner and tabs ----------
const TABS = ['Summary', 'Problems', 'Medications', 'Allergies', 'Results', 'Letters', 'Orders'];

function eprRecord(p: TestPatient): string {
  const r = rng(Number(p.nhsNumber.slice(0, 6)));
  const li = (xs: string[] | undefined, empty: string) => (xs?.length ? xs.map((x) => `<li>${esc(x)}</li>`).join('') : `<li class="none">${empty}</li>`);
  const letters = Array.from(
    { length: 25 },
    (_, i) =>
      `<tr><td>${dmySlash(`20${String(25 - Math.floor(i / 5)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 9}`)}</td><td>${pick(r, ['Cardiology', 'Orthopaedics', 'Gastroenterology', 'ENT', 'Ophthalmology'])}</td><td>${pick(r, ['Clinic letter', 'Discharge summary', 'Results letter'])}</td></tr>`,
  ).join('\n');
  const results = Array.from(
    { length: 40 },
    () => `<tr><td>${pick(r, RESULTS)}</td><td>${(r() * 150).toFixed(1)}</td><td>${r() > 0.85 ? 'H' : ''}</td></tr>`,
  ).join('\n');
  return page(
    `EPR - ${p.family}, ${p.given}`,
    `<body class="epr">
<div class="epr-toolbar"><span class="brand">St Elsewhere EPR</span><input type="search" placeholder="Search patients" aria-label="Search patients"><span class="user">Dr R Singh (Consultant)</span></div>
<header class="banner" id="patient-banner" data-patient-banner>
<div class="banner-name"><span data-field="family">${esc(p.family)}</span>, <span data-field="given">${esc(p.given)}</span> (<span data-field="title">${esc(p.title)}</span>)</div>
<dl class="banner-fields">
<div><dt>NHS No.</dt><dd data-field="nhs">${p.nhsNumber}</dd></div>
<div><dt>DOB</dt><dd data-field="dob">${dmySlash(p.birthDate)}</dd></div>
<div><dt>Gender</dt><dd data-field="gender">${p.sex === 'unknown' ? 'U' : p.sex[0]!.toUpperCase()}</dd></div>
<div><dt>Address</dt><dd data-field="address">${esc(p.address)}</dd></div>
<div><dt>Postcode</dt><dd data-field="postcode">${esc(p.postcode)}</dd></div>
<div><dt>GP Practice</dt><dd data-field="gp">${p.gpPractice ?? 'None'}</dd></div>
</dl>
<div class="banner-actions"></div>
</header>
<nav class="tabs" role="tablist">
${TABS.map((t, i) => `<button role="tab" id="tab-btn-${t.toLowerCase()}" aria-controls="tab-${t.toLowerCase()}" aria-selected="${i === 0}">${t}</button>`).join('\n')}
</nav>
<section role="tabpanel" id="tab-summary"><h2>Summary</h2><p>Admitted via outpatients. Awaiting referral decision.</p><h3>Active problems</h3><ul>${li(p.problems, 'None recorded')}</ul></section>
<section role="tabpanel" id="tab-problems" hidden><h2>Problems</h2><ul class="problems">${li(p.problems, 'None recorded')}</ul></section>
<section role="tabpanel" id="tab-medications" hidden><h2>Medications</h2><ul class="medications">${li(p.medications, 'None recorded')}</ul></section>
<section role="tabpanel" id="tab-allergies" hidden><h2>Allergies</h2><ul class="allergies">${li(p.allergies, 'None recorded')}</ul></section>
<section role="tabpanel" id="tab-results" hidden><h2>Results</h2><table><thead><tr><th>Test</th><th>Value</th><th>Flag</th></tr></thead><tbody>
${results}
</tbody></table></section>
<section role="tabpanel" id="tab-letters" hidden><h2>Letters</h2><table><thead><tr><th>Date</th><th>Specialty</th><th>Type</th></tr></thead><tbody>
${letters}
</tbody></table></section>
<section role="tabpanel" id="tab-orders" hidden><h2>Orders</h2><p>No open orders.</p></section>
<script src="tabs.js"></script>
</body>`,
  );
}

const EPR_TABS_JS = `// Tab switching for the demo EPR (no framework, no page load).
document.querySelectorAll('[role=tab]').forEach(function (btn) {
  btn.addEventListener('click', function () {
    document.querySelectorAll('[role=tab]').forEach(function (b) { b.setAttribute('aria-selected', String(b === btn)); });
    document.querySelectorAll('[role=tabpanel]').forEach(function (p) { p.hidden = p.id !== btn.getAttribute('aria-controls'); });
  });
});
`;

// ---------- Single-page app: switches patient with hash routing, no page load ----------
function spaData(): string {
  const data = DEMO_PATIENTS.map((p) => ({
    nhs: p.nhsNumber,
    title: p.title,
    given: p.given,
    family: p.family,
    dob: dmyMon(p.birthDate, ' '),
    sex: sexWord(p.sex),
    address: p.address,
    postcode: p.postcode,
    gp: p.gpPractice,
    problems: p.problems ?? [],
    medications: p.medications ?? [],
    allergies: p.allergies ?? [],
  }));
  return `// Generated from the simulator's test patients by packages/ers-simulator/demo/generate.ts\nwindow.DEMO_PATIENTS = ${JSON.stringify(data, null, 1).replace(/</g, '\\u003c')};\n`;
}

const SPA_HTML = page(
  'CareFlow',
  `<body class="spa">
<div class="spa-top"><span class="brand">CareFlow</span> <a href="#/">Patients</a></div>
<div id="app"></div>
<script src="patients.js"></script>
<script src="app.js"></script>
</body>`,
);

const SPA_JS = `// CareFlow demo SPA: hash routes #/ (list) and #/patient/<nhs>. Patients switch without a page load,
// with a short loading state like a real app fetching the record. All host text goes in via textContent.
(function () {
  var app = document.getElementById('app');
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function list() {
    app.replaceChildren();
    var h = el('h1', {}, 'Patients'); app.appendChild(h);
    var ul = el('ul', { class: 'spa-list' });
    window.DEMO_PATIENTS.forEach(function (p) {
      var li = el('li'); var a = el('a', { href: '#/patient/' + p.nhs, 'data-nhs-link': p.nhs }, p.title + ' ' + p.given + ' ' + p.family);
      li.appendChild(a); ul.appendChild(li);
    });
    app.appendChild(ul);
  }
  function section(title, items, cls) {
    var s = el('section', { class: cls }); s.appendChild(el('h2', {}, title));
    var ul = el('ul'); (items.length ? items : ['None recorded']).forEach(function (x) { ul.appendChild(el('li', { class: items.length ? 'item' : 'none' }, x)); });
    s.appendChild(ul); return s;
  }
  var timer;
  function show(nhs) {
    var p = window.DEMO_PATIENTS.find(function (x) { return x.nhs === nhs; });
    app.replaceChildren(el('div', { class: 'pt-loading' }, 'Loading record…'));
    clearTimeout(timer);
    timer = setTimeout(function () {
      app.replaceChildren();
      if (!p) { app.appendChild(el('p', {}, 'Patient not found')); return; }
      var hdr = el('div', { class: 'pt-header', 'data-nhs': p.nhs });
      hdr.appendChild(el('h1', { class: 'pt-name' }, p.title + ' ' + p.given + ' ' + p.family));
      var facts = el('p', { class: 'pt-facts' });
      facts.appendChild(el('span', { class: 'pt-nhs' }, 'NHS ' + p.nhs.slice(0, 3) + '-' + p.nhs.slice(3, 6) + '-' + p.nhs.slice(6)));
      facts.appendChild(el('span', { class: 'pt-dob' }, 'Born ' + p.dob));
      facts.appendChild(el('span', { class: 'pt-sex' }, p.sex));
      facts.appendChild(el('span', { class: 'pt-address' }, p.address + ', ' + p.postcode));
      facts.appendChild(el('span', { class: 'pt-gp' }, p.gp ? 'GP practice ' + p.gp : 'No registered GP'));
      hdr.appendChild(facts);
      app.appendChild(hdr);
      app.appendChild(section('Problems', p.problems, 'pt-problems'));
      app.appendChild(section('Medications', p.medications, 'pt-medications'));
      app.appendChild(section('Allergies', p.allergies, 'pt-allergies'));
      var nav = el('p', { class: 'pt-switch' });
      window.DEMO_PATIENTS.forEach(function (o) { if (o.nhs !== p.nhs) { nav.appendChild(el('a', { href: '#/patient/' + o.nhs, 'data-nhs-link': o.nhs }, o.family)); nav.appendChild(document.createTextNode(' ')); } });
      app.appendChild(nav);
    }, 300);
  }
  function route() {
    var m = /^#\\/patient\\/(\\d{10})$/.exec(location.hash);
    if (m) show(m[1]); else list();
  }
  window.addEventListener('hashchange', route);
  route();
})();
`;

// ---------- Clinic list: many NHS numbers, no single patient open ----------
function clinicList(): string {
  const r = rng(42);
  const rows = Array.from({ length: 36 }, (_, i) => {
    const p = DEMO_PATIENTS[i % DEMO_PATIENTS.length]!;
    const t = `${String(9 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`;
    return `<tr><td>${t}</td><td>${esc(`${p.family}, ${p.given} (${p.title})`)}</td><td>${spaced(p.nhsNumber)}</td><td>${dmySlash(p.birthDate)}</td><td>${pick(r, ['New', 'Follow-up', 'Review'])}</td><td>${pick(r, ['Arrived', 'Booked', 'Seen', 'DNA'])}</td></tr>`;
  }).join('\n');
  return page(
    'Outpatient clinic list - St Elsewhere',
    `<body class="epr">
<div class="epr-toolbar"><span class="brand">St Elsewhere EPR</span></div>
<main class="list"><h1>Cardiology clinic — Dr R Singh — Monday</h1>
<table class="clinic-list"><thead><tr><th>Time</th><th>Patient</th><th>NHS Number</th><th>DOB</th><th>Type</th><th>Status</th></tr></thead><tbody>
${rows}
</tbody></table></main>
</body>`,
  );
}

// ---------- Hostile page: script-laden name, shown literally by the host ----------
export const HOSTILE_NAME = `<img src=x onerror="document.title='pwned'">, Sarah (Mrs)`;

const CSS = `/* Demo clinical systems: deliberately hostile-ish CSS that must not break the Refer button. */
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 Arial, sans-serif; color: #222; }
button { font-size: 20px !important; color: red !important; }
div { letter-spacing: 0.02em; }
.gp-top, .epr-toolbar, .spa-top { background: #005eb8; color: #fff; padding: 8px 12px; display: flex; gap: 16px; }
.gp-layout { display: flex; } .gp-nav { width: 180px; background: #f0f4f5; padding: 8px; } .record, .list { flex: 1; padding: 12px; }
table { border-collapse: collapse; width: 100%; margin-bottom: 16px; } th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; }
.demographics th { background: #e8edee; width: 12%; }
.banner { position: sticky; top: 0; background: #fff8e1; border-bottom: 2px solid #ffb81c; padding: 8px 12px; z-index: 10; }
.banner-name { font-size: 20px; font-weight: bold; } .banner-fields { display: flex; flex-wrap: wrap; gap: 16px; margin: 4px 0; }
.banner-fields dt { font-weight: bold; } .banner-fields dd { margin: 0; }
.tabs { display: flex; gap: 4px; padding: 8px 12px; } section[role=tabpanel] { padding: 12px; }
.pt-header { background: #eef7ff; padding: 12px; } .pt-facts span { margin-right: 16px; } .pt-loading { padding: 24px; color: #666; }
#app { padding: 12px; }
`;

/** Every file of the demo site, keyed by its path under /demo/. */
export function renderDemoSite(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('assets/demo.css', CSS);
  files.set('gp/index.html', gpIndex());
  for (const p of DEMO_PATIENTS) files.set(`gp/record-${p.nhsNumber}.html`, gpRecord(p));
  const hostile = { ...DEMO_PATIENTS[0]!, nhsNumber: '9434765919' };
  files.set(
    'hostile/script-name.html',
    gpRecord(hostile, HOSTILE_NAME)
      .replace('<main id="record"', '<main id="record" data-hostile="script-name"')
      .replace('../assets/demo.css', '../assets/demo.css'),
  );
  for (const p of DEMO_PATIENTS) files.set(`epr/patient-${p.nhsNumber}.html`, eprRecord(p));
  files.set('epr/tabs.js', EPR_TABS_JS);
  files.set('spa/index.html', SPA_HTML);
  files.set('spa/app.js', SPA_JS);
  files.set('spa/patients.js', spaData());
  files.set('list/clinic.html', clinicList());
  files.set('ward/index.html', wardTwoStage());
  files.set('tabs/index.html', tabbedCharts());
  files.set(
    'index.html',
    page(
      'Demo clinical systems',
      `<body>
<main class="list"><h1>Demo clinical systems</h1>
<p>Fictitious systems and patients for trying the e-RS Referral Assistant. Patients exist in the simulator.</p>
<ul>
<li><a href="gp/index.html">DemoGP Clinical</a> — GP record, table layout (e.g. <a href="gp/record-9434765919.html">JONES, Sarah</a>)</li>
<li><a href="epr/patient-9912003888.html">St Elsewhere EPR</a> — hospital record with sticky patient banner and tabs</li>
<li><a href="spa/index.html#/patient/9434765919">CareFlow</a> — single-page app that switches patients without reloading</li>
<li><a href="list/clinic.html">Outpatient clinic list</a> — many patients, none open</li>
<li><a href="hostile/script-name.html">Hostile record</a> — a name containing markup, shown literally</li>
</ul></main>
</body>`,
    ).replace('../assets/demo.css', 'assets/demo.css'),
  );
  return files;
}

/**
 * WardView: a ward app whose banner switches patient in two stages, like many single-page apps:
 * name and NHS number at once, date of birth, sex and postcode a second later after its own lookup
 * (the previous patient's details stay on screen meanwhile, with no loading marker). No adapter.
 */
function wardTwoStage(): string {
  const [a, b] = [DEMO_PATIENTS.find((p) => p.nhsNumber === '9434765919')!, DEMO_PATIENTS.find((p) => p.nhsNumber === '9912003888')!];
  const view = (p: TestPatient) => ({
    name: `${p.family}, ${p.given} (${p.title})`,
    nhs: spaced(p.nhsNumber),
    dob: `DOB ${dmySlash(p.birthDate)}`,
    sex: p.sex === 'female' ? 'Female' : 'Male',
    pc: p.postcode,
  });
  return page(
    'WardView',
    `<body>
<div class="ward-banner"><h2 id="pt-name">${esc(view(a).name)}</h2><span>NHS No. <b id="pt-nhs">${view(a).nhs}</b></span>
<span id="pt-dob">${view(a).dob}</span> <span id="pt-sex">${view(a).sex}</span> <span id="pt-pc">${esc(view(a).pc)}</span></div>
<p><button id="next" type="button">Next patient</button></p>
<script>
  var next = ${JSON.stringify(view(b))};
  document.getElementById('next').addEventListener('click', function () {
    document.getElementById('pt-name').textContent = next.name;
    document.getElementById('pt-nhs').textContent = next.nhs;
    setTimeout(function () {
      document.getElementById('pt-dob').textContent = next.dob;
      document.getElementById('pt-sex').textContent = next.sex;
      document.getElementById('pt-pc').textContent = next.pc;
    }, 1000);
  });
</script>
</body>`,
  );
}

/** A web EPR with two patient charts open as tabs: switching only toggles a class (URL unchanged). */
function tabbedCharts(): string {
  const chart = (
    p: TestPatient,
    i: number,
  ) => `<div class="chart${i ? '' : ' active'}" id="chart-${i}"><div class="banner"><span class="name">${esc(`${p.family}, ${p.given} (${p.title})`)}</span>
<span class="nhs">${spaced(p.nhsNumber)}</span> <span class="dob">${dmySlash(p.birthDate)}</span></div></div>`;
  const ps = ['9434765919', '9912003888'].map((n) => DEMO_PATIENTS.find((p) => p.nhsNumber === n)!);
  return page(
    'TabChart EPR',
    `<body>
<style>.chart{display:none}.chart.active{display:block}</style>
<p>${ps.map((p, i) => `<button type="button" data-chart="${i}">${esc(p.family)}</button>`).join(' ')}</p>
${ps.map(chart).join('\n')}
<script>
  document.querySelectorAll('[data-chart]').forEach(function (b) {
    b.addEventListener('click', function () {
      document.querySelectorAll('.chart').forEach(function (c) { c.classList.toggle('active', c.id === 'chart-' + b.dataset.chart); });
    });
  });
</script>
</body>`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const out = process.argv[2];
  if (!out) {
    console.error('Usage: npx tsx packages/ers-simulator/demo/generate.ts OUT_DIR');
    process.exit(2);
  }
  const site = renderDemoSite();
  for (const [rel, text] of site) {
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    writeFileSync(join(out, rel), text);
  }
  console.log(`wrote ${site.size} files to ${resolve(out)}`);
}
