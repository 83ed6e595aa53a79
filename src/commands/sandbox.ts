/**
 * `betmirror sandbox`: runs the local Polymarket (CLOB, Data API, Gamma, RTDS, scripted whales) and a local
 * PredictBase as a foreground process, so every other command can be tried without an account or network.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { BadInputError } from '../core/errors.js';
import { parseAddress, parseAmount, parsePositiveInt } from './parse.js';

export interface SandboxOptions {
  port: string;
  fund?: string[];
  whaleInterval: string;
}

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

export function register(program: Command, context: (command: Command) => CommandContext): void {
  program
    .command('sandbox')
    .description('Run a local Polymarket (CLOB, Data API, RTDS, scripted whales) and a local PredictBase for trying betmirror offline')
    .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', '0')
    .option('--fund <address=usd...>', 'credit collateral to an address, e.g. --fund 0xf39F...2266=1000')
    .option('--whale-interval <ms>', 'how often each scripted whale trades', '3000')
    .addHelpText('after', '\nExample:\n  $ betmirror sandbox --port 8080 --fund 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266=1000\n')
    .action(async (options: SandboxOptions, command: Command) => {
      const ctx = context(command);
      await run(options, ctx);
    });
}

export async function run(options: SandboxOptions, ctx: CommandContext): Promise<SandboxInfo> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BadInputError(`--port must be 0-65535 (got ${options.port})`);
  const funds = (options.fund ?? []).map((pair) => {
    const [address = '', usd = ''] = pair.split('=');
    return { address: parseAddress('--fund', address), usd: parseAmount('--fund amount', usd) };
  });
  const { startPolymarketSandbox } = await import('../sandbox/polymarket/index.js');
  const { startPredictBaseSandbox } = await import('../sandbox/predictbase/index.js');
  const { seedDemo } = await import('../sandbox/predictbase/demo.js');
  const whaleIntervalMs = parsePositiveInt('--whale-interval', options.whaleInterval);
  const sandbox = await startPolymarketSandbox({ port, clock: ctx.deps.clock, whales: { autoStart: true, intervalMs: whaleIntervalMs } });
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
