// Counters for GET /metrics in the Prometheus text format: requests by route and status, refusals by
// reason, upstream calls by outcome and their latency. Labels come from fixed sets chosen by the
// relay, never from request data, so the number of series stays bounded.

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function labels(values: Record<string, string>): string {
  const inner = Object.entries(values)
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
    .join(',');
  return inner ? `{${inner}}` : '';
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly refusals = new Map<string, number>();
  private readonly upstream = new Map<string, number>();
  private readonly latencyCounts = LATENCY_BUCKETS.map(() => 0);
  private latencySum = 0;
  private latencyCount = 0;
  upstreamBytesRead = 0;

  private static bump(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  request(route: string, status: number | 'aborted'): void {
    Metrics.bump(this.requests, `${route}\u0000${status}`);
  }
  refusal(reason: string): void {
    Metrics.bump(this.refusals, reason);
  }

  upstreamCall(outcome: string, seconds: number): void {
    Metrics.bump(this.upstream, outcome);
    this.latencySum += seconds;
    this.latencyCount += 1;
    LATENCY_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.latencyCounts[i]! += 1;
    });
  }

  refusalCount(reason: string): number {
    return this.refusals.get(reason) ?? 0;
  }

  render(gauges: Record<string, { help: string; value: number }>): string {
    const out: string[] = [];
    out.push('# HELP relay_requests_total Requests answered, by route and HTTP status.', '# TYPE relay_requests_total counter');
    for (const [key, n] of this.requests) {
      const [route, status] = key.split('\u0000') as [string, string];
      out.push(`relay_requests_total${labels({ route, status })} ${n}`);
    }
    out.push('# HELP relay_refusals_total Requests refused, by reason.', '# TYPE relay_refusals_total counter');
    for (const [reason, n] of this.refusals) out.push(`relay_refusals_total${labels({ reason })} ${n}`);
    out.push('# HELP relay_upstream_requests_total Calls to the platform token endpoint, by outcome.', '# TYPE relay_upstream_requests_total counter');
    for (const [outcome, n] of this.upstream) out.push(`relay_upstream_requests_total${labels({ outcome })} ${n}`);
    out.push('# HELP relay_upstream_duration_seconds Time the platform token endpoint took to answer.', '# TYPE relay_upstream_duration_seconds histogram');
    for (const [i, le] of LATENCY_BUCKETS.entries()) out.push(`relay_upstream_duration_seconds_bucket${labels({ le: String(le) })} ${this.latencyCounts[i]}`);
    out.push(`relay_upstream_duration_seconds_bucket{le="+Inf"} ${this.latencyCount}`);
    out.push(`relay_upstream_duration_seconds_sum ${this.latencySum}`, `relay_upstream_duration_seconds_count ${this.latencyCount}`);
    out.push(
      '# HELP relay_upstream_bytes_read_total Bytes of platform answers read (each answer stops at the cap).',
      '# TYPE relay_upstream_bytes_read_total counter',
    );
    out.push(`relay_upstream_bytes_read_total ${this.upstreamBytesRead}`);
    for (const [name, g] of Object.entries(gauges)) out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.value}`);
    return `${out.join('\n')}\n`;
  }
}
