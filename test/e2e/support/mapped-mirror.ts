/**
 * The shared run of the mapped-venue end-to-end tests: `betmirror mirror --exchange <venue> --market-map`
 * in process, following one sandbox whale over the Data API with $5 fixed copies and a 10% cap; the
 * whale buys 20 in a mapped market, then 20 in an unmapped one; the mirror is stopped once both are
 * decided and one order is reported. Returns the exit code, stderr and every NDJSON event (each checked
 * against the event schema).
 */
import { readTextFile } from '../../../src/cli/context.js';
import { runCli } from '../../../src/cli/program.js';
import { nonInteractivePrompter } from '../../../src/cli/prompter.js';
import { systemClock } from '../../../src/core/runtime.js';
import { defaultRegistry } from '../../../src/exchanges/registry.js';
import type { PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { assertValidEvent } from '../../mirror/support/event-schema.js';
import { memoryStream } from '../../support/cli.js';

export interface MappedMirrorRun {
  exchange: string;
  mapFile: string;
  configDir: string;
  /** The venue's settings and secrets; the Polymarket endpoints are added. */
  env: Record<string, string>;
  polymarket: PolymarketSandbox;
  whale: string;
  mappedToken: string;
  unmappedToken: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (ms: number, done: () => boolean) => {
  const end = Date.now() + ms;
  while (Date.now() < end && !done()) await sleep(50);
};

export async function mirrorMappedTrades(
  run: MappedMirrorRun,
): Promise<{ code: number; stderr: string; events: Array<Record<string, unknown>>; mappedFills: Array<{ size: number; price: number }> }> {
  const { polymarket } = run;
  const controller = new AbortController();
  const stdout = memoryStream(false);
  const stderr = memoryStream(false);
  const running = runCli(
    ['mirror', '--exchange', run.exchange, '--follow', run.whale, '--market-map', run.mapFile, '--source', 'data-api', '--poll-interval', '100',
      '--sizing', 'fixed', '--fixed-usd', '5', '--max-slippage', '10', '--yes', '--json'],
    {
      io: { stdout, stderr, stdin: { isTTY: false } },
      env: { ...run.env, POLYMARKET_DATA_API_URL: polymarket.dataApiUrl, POLYMARKET_GAMMA_URL: polymarket.gammaUrl, POLYMARKET_RTDS_URL: polymarket.rtdsUrl },
      clock: systemClock,
      fetch: globalThis.fetch,
      prompter: nonInteractivePrompter(),
      exchanges: defaultRegistry(),
      signal: controller.signal,
      configDir: run.configDir,
      version: 'test',
      readTextFile,
    },
  );
  await until(10_000, () => stdout.text().includes('"type":"started"'));
  if (!stdout.text().includes('"type":"started"')) throw new Error(`the mirror did not start: ${stderr.text()}`);
  const mappedFills: Array<{ size: number; price: number }> = [];
  for (const [token, price] of [[run.mappedToken, 0.6], [run.unmappedToken, 0.99]] as const) {
    const fills = await polymarket.whaleTrade({ wallet: run.whale, tokenId: token, side: 'BUY', size: 20, price });
    if (fills.length === 0) throw new Error(`the sandbox whale's trade on ${token} did not fill`);
    if (token === run.mappedToken) mappedFills.push(...fills.map((f) => ({ size: Number(f.size), price: Number(f.price) })));
  }
  await until(10_000, () => (stdout.text().match(/"type":"decision"/g) ?? []).length >= 2 && stdout.text().includes('"type":"order"'));
  controller.abort();
  const code = await running;
  const events = stdout.text().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  events.forEach(assertValidEvent);
  return { code, stderr: stderr.text(), events, mappedFills };
}
