// Admin API for tests and demos (local only, no auth — the simulator binds to loopback by default):
//   GET    /_admin/state        counts and a summary of referrals/binaries (no patient details)
//   POST   /_admin/reset        {"auth": true} also signs everyone out
//   GET    /_admin/faults       active faults, latency, rate limit
//   POST   /_admin/faults       a FaultSpec, or {"fault": "A011=503x2"} / {"latency": "A010=300"} / {"rateLimitPerSecond": 5}
//   DELETE /_admin/faults       clears faults and latency
//   POST   /_admin/expire       {"tokens": true | "<token>", "sessions": true | "<session key>"}
//   POST   /_admin/referrals/{ubrn}/{event}  a provider acts on a referral, so each referrer worklist
//                                 can be driven: event = reject | triage-response | return | dna |
//                                 cancel | cancel-appointment; body {"reason"?, "comment"?, "attachResponse"?}
//   GET    /_admin/test-smartcards  {"cards": {name: token}}: the extension's simulator mode reads the
//                        test smartcards here, so they are never compiled into the extension

import type { IncomingMessage } from 'node:http';
import type { SimCore } from './core';
import { type FaultSpec, ROUTE_IDS, parseFaultArg, parseLatencyArg } from './faults';
import { type Reply, readBody } from './http';
import { applyProviderEvent, PROVIDER_EVENTS, type ProviderEvent } from './lifecycle';
import type { Referral } from './state';
import { handleAdviceAdmin } from './advice';
import { TEST_SMARTCARDS } from './users';

function json(status: number, body: object): Reply {
  return { status, body, contentType: 'application/json' };
}

/** A referral as the admin API shows it: no patient identifiers (the endpoint is unauthenticated). */
export function referralSummary(r: Referral) {
  return {
    ubrn: r.ubrn,
    version: r.version,
    state: r.state,
    priority: r.priority,
    flavour: r.flavour,
    services: r.shortlist.map((s) => s.serviceId),
    attachments: r.attachments.map((a) => a.binaryId),
    ...(r.appointment ? { appointment: r.appointment.id } : {}),
  };
}

export function stateSummary(core: SimCore) {
  const referrals = [...core.state.referrals.values()].map(referralSummary);
  const binaries = [...core.state.binaries.values()].map((b) => ({
    id: b.id,
    size: b.bytes.length,
    contentType: b.contentType,
    intendedUbrn: b.intendedUbrn ?? null,
    linkedUbrn: b.linkedUbrn,
  }));
  return {
    counts: {
      referrals: referrals.length,
      binaries: binaries.length,
      services: core.directory.services.size,
      legacySessions: core.auth.sessions.size,
      platformTokens: core.auth.tokens.size,
    },
    referrals,
    binaries,
    faults: core.faults.summary(),
  };
}

function validFaultSpec(x: unknown): x is FaultSpec {
  if (typeof x !== 'object' || x === null) return false;
  const f = x as Record<string, unknown>;
  if (f.route !== '*' && !ROUTE_IDS.includes(f.route as never)) return false;
  if (f.kind === 'status') return [429, 500, 502, 503, 504].includes(f.status as number);
  if (f.kind === 'drop' || f.kind === 'html') return true;
  if (f.kind === 'gateway') return f.status === 502 || f.status === 504;
  if (f.kind === 'latency') return typeof f.ms === 'number' && f.ms >= 0;
  if (f.kind === 'pas') return (f.status === 502 || f.status === 504) && typeof f.applied === 'boolean';
  if (f.kind === 'unconfirmed' || f.kind === 'slot-taken') return true;
  return false;
}

export async function handleAdmin(core: SimCore, req: IncomingMessage, pathname: string): Promise<Reply> {
  const method = req.method ?? 'GET';
  let body: Record<string, unknown> = {};
  if (method === 'POST' || method === 'DELETE') {
    const { bytes } = await readBody(req, 1024 * 1024);
    if (bytes.length) {
      try {
        body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      } catch {
        return json(400, { error: 'body must be JSON' });
      }
    }
  }
  try {
    if (pathname === '/_admin/state' && method === 'GET') return json(200, stateSummary(core));
    if (pathname === '/_admin/test-smartcards' && method === 'GET') return json(200, { cards: TEST_SMARTCARDS });
    if (pathname === '/_admin/reset' && method === 'POST') {
      core.reset({ auth: body.auth === true });
      return json(200, stateSummary(core));
    }
    if (pathname === '/_admin/faults') {
      if (method === 'GET') return json(200, core.faults.summary());
      if (method === 'DELETE') {
        core.faults.clear();
        return json(200, core.faults.summary());
      }
      if (method === 'POST') {
        if (typeof body.fault === 'string') core.faults.add(parseFaultArg(body.fault));
        else if (typeof body.latency === 'string') {
          const [route, ms] = parseLatencyArg(body.latency);
          core.faults.add({ route: route as FaultSpec['route'], kind: 'latency', ms });
        } else if ('rateLimitPerSecond' in body) {
          const n = body.rateLimitPerSecond;
          core.faults.setRateLimit(typeof n === 'number' && n > 0 ? n : undefined);
        } else if (validFaultSpec(body)) core.faults.add(body);
        else return json(400, { error: 'expected a FaultSpec, {fault}, {latency} or {rateLimitPerSecond}' });
        return json(201, core.faults.summary());
      }
    }
    if (pathname === '/_admin/slots' && method === 'POST') {
      // Gives a service no slots, a few or many pages (regenerated on its next read).
      const { serviceId, profile } = body as { serviceId?: unknown; profile?: unknown };
      if (typeof serviceId !== 'string' || !core.directory.services.has(serviceId) || !['none', 'few', 'many'].includes(profile as string)) {
        return json(400, { error: 'expected {serviceId, profile: none|few|many}' });
      }
      core.state.slots.setProfile(serviceId, profile as 'none' | 'few' | 'many');
      return json(200, { serviceId, profile });
    }
    const event = /^\/_admin\/referrals\/(\d{12})\/([a-z-]+)$/.exec(pathname);
    if (event && method === 'POST') {
      const r = core.state.referrals.get(event[1]);
      if (!r) return json(404, { error: `referral ${event[1]} not found` });
      if (!(PROVIDER_EVENTS as readonly string[]).includes(event[2])) return json(400, { error: `event must be one of ${PROVIDER_EVENTS.join(', ')}` });
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      const systems = core.systems();
      await applyProviderEvent(
        r,
        event[2] as ProviderEvent,
        { reason: str(body.reason), comment: str(body.comment), attachResponse: body.attachResponse === true },
        { directory: core.directory, state: core.state, now: core.clock(), specialtySystem: systems.platform, flavour: r.flavour },
      );
      return json(200, referralSummary(r));
    }
    if (pathname.startsWith('/_admin/advice')) {
      const reply = handleAdviceAdmin(core.state, method, pathname, body, core.clock());
      if (reply) return json(reply.status, reply.body);
    }
    if (pathname === '/_admin/expire' && method === 'POST') {
      const tokens = body.tokens === true ? core.auth.expireTokens() : typeof body.tokens === 'string' ? core.auth.expireTokens(body.tokens) : 0;
      const sessions = body.sessions === true ? core.auth.expireSessions() : typeof body.sessions === 'string' ? core.auth.expireSessions(body.sessions) : 0;
      return json(200, { expiredTokens: tokens, expiredSessions: sessions });
    }
  } catch (e) {
    return json(400, { error: (e as Error).message });
  }
  return json(404, { error: 'unknown admin endpoint' });
}
