/**
 * `betmirror sandbox`: runs the local Polymarket (CLOB, Data API, Gamma, RTDS, scripted whales) and a local
 * PredictBase as a foreground process, so every other command can be tried without an account or network.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { list, valueWithDefault, type Options } from '../cli/flags.js';
import { BadInputError } from '../core/errors.js';
import { MAX_TIMER_MS } from '../core/runtime.js';
import { parseAddress, parseAmount } from './parse.js';

/** How often each scripted whale trades, for `sandbox` and `mirror --sandbox` alike. */
export const DEFAULT_WHALE_INTERVAL_MS = 2000;

/** `--whale-interval <ms>`, declared here for both commands. */
export function whaleIntervalFlag(description: string) {
  return valueWithDefault(`--whale-interval <ms>`, description, parseWhaleInterval, DEFAULT_WHALE_INTERVAL_MS);
}

function parseWhaleInterval(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || !(ms > 0 && ms <= MAX_TIMER_MS)) {
    throw new BadInputError(`--whale-interval must be a whole number of ms between 1 and ${MAX_TIMER_MS} (got ${value})`);
  }
  return ms;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new BadInputError(`--port must be 0-65535 (got ${value})`);
  return port;
}

function parseFunding(pair: string) {
  const [address = '', usd = ''] = pair.split('=');
  return { address: parseAddress('--fund', address), usd: parseAmount('--fund amount', usd) };
}

const flags = {
  port: valueWithDefault('--port <port>', 'port on 127.0.0.1 (0 = any free port)', parsePort, 0),
  fund: list('--fund <address=usd...>', 'credit collateral to an address, e.g. --fund 0xf39F...2266=1000', parseFunding),
  whaleInterval: whaleIntervalFlag('how often each scripted whale trades'),
};

export type SandboxOptions = Options<typeof flags>;

export interface SandboxInfo {
  clobUrl: string;
  dataApiUrl: string;
  gammaUrl: string;
  rtdsUrl: string;
  chainId: number;
  whales: string[];
  markets: Array<{ slug: string; question: string; tokens: Array<{ tokenId: string; outcome: string }>; tickSize: string; minOrderSize: number }>;
  /** The local PredictBase: its markets and, per --fund wallet, the API key bound to it. */
  predictbase: { url: string; keys: Record<string, string>; markets: Array<{ id: string; question: string; optionTitles: string[] }> };
  /** Environment that points the other commands at this sandbox. */
  env: Record<string, string>;
}

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'sandbox',
    summary: 'Run a local Polymarket (CLOB, Data API, RTDS, scripted whales) and a local PredictBase for trying betmirror offline',
    flags,
    examples: ['$ betmirror sandbox --port 8080 --fund 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266=1000', '$ betmirror sandbox --json'],
    action: async (options, ctx) => void (await run(options, ctx)),
  });
}

export async function run(options: SandboxOptions, ctx: CommandContext): Promise<SandboxInfo> {
  const funds = options.fund ?? [];
  const { startPolymarketSandbox } = await import('../sandbox/polymarket/index.js');
  const { startPredictBaseSandbox } = await import('../sandbox/predictbase/index.js');
  const { seedDemo } = await import('../sandbox/predictbase/demo.js');
  const sandbox = await startPolymarketSandbox({ port: options.port, clock: ctx.deps.clock, whales: { autoStart: true, intervalMs: options.whaleInterval } });
  const predictbase = await startPredictBaseSandbox({ clock: ctx.deps.clock }).catch(async (error: unknown) => {
    await sandbox.close();
    throw error;
  });
  try {
    for (const { address, usd } of funds) sandbox.fund(address, usd);
    const demo = seedDemo(predictbase, funds);
    const info: SandboxInfo = {
      clobUrl: sandbox.clobUrl,
      dataApiUrl: sandbox.dataApiUrl,
      gammaUrl: sandbox.gammaUrl,
      rtdsUrl: sandbox.rtdsUrl,
      chainId: sandbox.chainId,
      whales: sandbox.whales,
      markets: sandbox.markets.map((m) => ({ slug: m.slug, question: m.question, tokens: m.tokens, tickSize: m.tickSize, minOrderSize: m.minOrderSize })),
      predictbase: { url: predictbase.url, ...demo },
      env: {
        PREDICTBASE_API_URL: predictbase.url,
        BASE_RPC_URL: predictbase.rpcUrl,
        POLYMARKET_CLOB_URL: sandbox.clobUrl,
        POLYMARKET_DATA_API_URL: sandbox.dataApiUrl,
        POLYMARKET_GAMMA_URL: sandbox.gammaUrl,
        POLYMARKET_RTDS_URL: sandbox.rtdsUrl,
        POLYMARKET_CHAIN_ID: String(sandbox.chainId),
      },
    };
    ctx.output.result(info, render);
    ctx.output.info('sandbox running; Ctrl-C to stop');
    await new Promise<void>((resolve) => {
      if (ctx.deps.signal.aborted) return resolve();
      ctx.deps.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return info;
  } finally {
    await Promise.all([sandbox.close(), predictbase.close()]);
  }
}

function render(info: SandboxInfo): string {
  const lines = [
    'Local Polymarket sandbox. Point betmirror at it with:',
    ...Object.entries(info.env).map(([name, value]) => `  export ${name}=${value}`),
    '',
    `Scripted whales (follow them with \`betmirror mirror --follow ...\`):`,
    ...info.whales.map((whale) => `  ${whale}`),
    '',
    'Markets:',
    ...info.markets.map((m) => `  ${m.slug}: ${m.tokens.map((t) => `${t.outcome} ${t.tokenId}`).join(' | ')}`),
    '',
    'PredictBase markets (--exchange predictbase --market <id> --outcome <option>):',
    ...info.predictbase.markets.map((m) => `  ${m.id}: ${m.question} [${m.optionTitles.join(' | ')}]`),
    ...Object.entries(info.predictbase.keys).map(([address, key]) => `  PREDICTBASE_ADDRESS=${address} PREDICTBASE_API_KEY=${key}`),
  ];
  return lines.join('\n');
}
