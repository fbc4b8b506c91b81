// Static files: the demo clinical pages under /demo/ and the simulator's own index page at /. The
// demo pages are generated from the test patients when the simulator starts (demo/generate.ts) and
// served from memory; a folder on disk can be served instead (the `demoDir` option).

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SimCore } from './core';
import { type Reply, escapeHtml } from './http';
import { TEST_USERS, displayName } from './users';
import { TEST_PATIENTS } from './data/patients';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
};

/** Files of a demo site, keyed by path relative to /demo/ (e.g. `gp/index.html`). */
export type DemoFiles = ReadonlyMap<string, string>;

/**
 * The path segments of `/demo/<rest>`, refusing anything that could escape the site (`..`, encoded
 * slashes or backslashes, NUL, dotfiles). Returns undefined when the path is not servable.
 */
function demoSegments(urlPath: string): string[] | undefined {
  let rest: string;
  try {
    rest = decodeURIComponent(urlPath.replace(/^\/demo\/?/, ''));
  } catch {
    return undefined;
  }
  if (rest.includes('\0') || rest.includes('\\')) return undefined;
  const segments = rest.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return undefined; // no dotfiles either
  return segments;
}

/**
 * Resolves `/demo/<rest>` inside `root`, refusing anything that escapes it (`..`, encoded slashes or
 * backslashes, NUL). Returns undefined when the path is not servable.
 */
export function resolveDemoPath(root: string, urlPath: string): string | undefined {
  const segments = demoSegments(urlPath);
  if (!segments) return undefined;
  const resolved = path.resolve(root, ...segments);
  const rootResolved = path.resolve(root);
  if (resolved !== rootResolved && !resolved.startsWith(rootResolved + path.sep)) return undefined;
  return resolved;
}

const NOT_FOUND: Reply = { status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not found' };

function fileReply(name: string, body: string | Buffer): Reply {
  return { status: 200, contentType: TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream', body, headers: { 'Cache-Control': 'no-cache' } };
}

/** Serves `/demo/…` from a folder on disk or from generated files, with the same rules for both. */
export async function serveDemo(site: string | DemoFiles, urlPath: string): Promise<Reply> {
  if (urlPath === '/demo') return { status: 301, headers: { Location: '/demo/' } };
  return typeof site === 'string' ? serveDemoFolder(site, urlPath) : serveDemoFiles(site, urlPath);
}

async function serveDemoFolder(root: string, urlPath: string): Promise<Reply> {
  let file = resolveDemoPath(root, urlPath);
  if (!file) return NOT_FOUND;
  try {
    const st = await stat(file);
    if (st.isDirectory()) {
      if (!urlPath.endsWith('/')) return { status: 301, headers: { Location: `${urlPath}/` } };
      file = path.join(file, 'index.html');
      await stat(file);
    }
    return fileReply(file, await readFile(file));
  } catch {
    return NOT_FOUND;
  }
}

function serveDemoFiles(files: DemoFiles, urlPath: string): Reply {
  const segments = demoSegments(urlPath);
  if (!segments) return NOT_FOUND;
  const rel = segments.join('/');
  // A "folder" is any prefix of a file's path, as on disk: /demo/gp redirects to /demo/gp/, which
  // serves gp/index.html.
  const isFolder = rel === '' || [...files.keys()].some((k) => k.startsWith(`${rel}/`));
  if (isFolder && !urlPath.endsWith('/')) return { status: 301, headers: { Location: `${urlPath}/` } };
  const name = isFolder ? (rel ? `${rel}/index.html` : 'index.html') : rel;
  const body = files.get(name);
  return body === undefined ? NOT_FOUND : fileReply(name, body);
}

export function indexPage(core: SimCore): Reply {
  const users = TEST_USERS.map(
    (u) => `<tr><td>${u.id}</td><td>${escapeHtml(displayName(u))}${u.active ? '' : ' (inactive)'}</td><td>${escapeHtml(u.description)}</td></tr>`,
  ).join('');
  const patients = TEST_PATIENTS.map((p) => {
    const flags = [p.gpPractice ? `GP ${p.gpPractice}` : 'no GP', p.pdsProblem ? 'PDS problem' : '', p.noAccessCode ? 'no access code' : '']
      .filter(Boolean)
      .join(', ');
    return `<tr><td>${p.nhsNumber}</td><td>${escapeHtml(`${p.given} ${p.family}`)}</td><td>${escapeHtml(flags)}</td></tr>`;
  }).join('');
  const signIn = `/oauth2/authorize?response_type=code&client_id=${encodeURIComponent(core.options.clientId)}&redirect_uri=${encodeURIComponent(`${core.url}/`)}&code_challenge=${'A'.repeat(43)}&code_challenge_method=S256&state=demo`;
  return {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>e-RS simulator</title>
<style>body{font-family:Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#212b32}h1{color:#005eb8}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d8dde0;padding:.4rem;text-align:left;vertical-align:top}code{background:#f0f4f5;padding:0 .2rem}</style></head>
<body><h1>e-RS simulator</h1>
<p>A local, stateful simulator of the NHS e-Referral Service APIs. Not a real NHS service; all data is fictional.</p>
<ul><li><a href="/demo/">Demo clinical pages</a></li>
<li><a href="${escapeHtml(signIn)}">Mock CIS2 sign-in page</a> (lists the test users)</li>
<li>Platform API: <code>${escapeHtml(core.url)}/referrals/FHIR</code> &middot; legacy API: <code>${escapeHtml(core.url)}/ers-api</code></li>
<li>Admin: <a href="/_admin/state"><code>/_admin/state</code></a>, <code>POST /_admin/reset</code>, <code>POST /_admin/faults</code>, <code>POST /_admin/expire</code></li></ul>
<h2>Test users</h2><table><tr><th>SDS user id</th><th>Name</th><th>Roles</th></tr>${users}</table>
<h2>Test patients</h2><table><tr><th>NHS number</th><th>Name</th><th>Notes</th></tr>${patients}</table>
</body></html>`,
  };
}
