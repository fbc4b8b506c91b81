// `npm run relay`: starts the token relay from environment variables (README "Token relay").
import { loadConfigFromEnv, RelayConfigError, startRelay } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfigFromEnv(process.env);
  } catch (e) {
    if (e instanceof RelayConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG: systemd and PaaS show it as a configuration failure, not a crash loop to retry
    }
    throw e;
  }
  const relay = await startRelay(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`relay stopping (${signal})\n`);
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    void relay.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`relay failed to start: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
