// Starts the token relay from environment variables (this package's README, "Settings"): with
// `node dist/main.js` after `npm run build` in a container, or `npm run relay` (tsx) in development.
import { loadConfigFromEnv, RelayConfigError, startRelay } from './server.js';

const line = (level: string, fields: Record<string, unknown>) => JSON.stringify({ time: new Date().toISOString(), level, ...fields });

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfigFromEnv>;
  try {
    config = loadConfigFromEnv(process.env);
  } catch (e) {
    if (e instanceof RelayConfigError) {
      process.stderr.write(`${line('error', { event: 'config_invalid', problems: e.problems })}\n${e.message}\n`);
      process.exit(78); // EX_CONFIG: systemd and PaaS show it as a configuration failure, not a crash loop to retry
    }
    throw e;
  }
  const relay = await startRelay(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${line('info', { event: 'stopping', signal })}\n`);
    relay.drain();
    void relay.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${line('error', { event: 'start_failed', message: (e as Error)?.message ?? String(e) })}\n`);
  process.exit(1);
});
