/**
 * Runs the sandbox as a process: `npx tsx src/sandbox/polymarket/main.ts --port 0`.
 * Prints one JSON line with the URLs on stdout, then serves until SIGINT/SIGTERM.
 * This is an entry point: the only file of the sandbox that touches argv, stdout and the process.
 */
import { startPolymarketSandbox } from './index.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sandbox = await startPolymarketSandbox({
  port: Number(flag('port') ?? 0),
  host: flag('host') ?? '127.0.0.1',
  whales: { autoStart: true, intervalMs: Number(flag('whale-interval-ms') ?? 3000) },
});
process.stdout.write(
  `${JSON.stringify({
    url: sandbox.url,
    clobUrl: sandbox.clobUrl,
    dataApiUrl: sandbox.dataApiUrl,
    gammaUrl: sandbox.gammaUrl,
    rtdsUrl: sandbox.rtdsUrl,
    chainId: sandbox.chainId,
    whales: sandbox.whales,
    markets: sandbox.markets.map((m) => ({ conditionId: m.conditionId, slug: m.slug, tokens: m.tokens })),
  })}\n`,
);
const stop = () => {
  void sandbox.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
