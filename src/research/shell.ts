/**
 * The research commands' edge: where their data comes from. Production endpoints are the profile's
 * Polymarket settings (flags > env > profile > defaults, as every command); `--sandbox` starts the local
 * Polymarket in this process, whose scripted wallets have long, resolved histories.
 */
import type { CommandContext } from '../cli/context.js';
import { resolveSettings } from '../commands/venue.js';
import { BadInputError } from '../core/errors.js';
import { HttpResearchSource, type ResearchSource } from './client.js';

export interface OpenedSource {
  source: ResearchSource;
  /** With --sandbox: the scripted wallets, the default subject of vet and backtest. */
  sandboxWallets?: string[];
}

export async function withResearchSource<T>(ctx: CommandContext, sandbox: boolean | undefined, work: (opened: OpenedSource) => Promise<T>): Promise<T> {
  if (sandbox) {
    const [{ startPolymarketSandbox }, { HISTORY_WALLETS }] = await Promise.all([import('../sandbox/polymarket/index.js'), import('../sandbox/polymarket/history.js')]);
    const local = await startPolymarketSandbox({ clock: ctx.deps.clock, liquidity: false });
    try {
      ctx.output.info(`sandbox: a local Polymarket at ${local.url} with scripted wallet histories`);
      const source = new HttpResearchSource({ dataApiUrl: local.dataApiUrl, clobUrl: local.clobUrl, gammaUrl: local.gammaUrl }, ctx.deps.fetch);
      return await work({ source, sandboxWallets: Object.values(HISTORY_WALLETS) });
    } finally {
      await local.close();
    }
  }
  const settings = resolveSettings(ctx, await ctx.deps.exchanges.get('polymarket'));
  const source = new HttpResearchSource({ dataApiUrl: settings.dataApiUrl!, clobUrl: settings.clobUrl!, gammaUrl: settings.gammaUrl! }, ctx.deps.fetch);
  return work({ source });
}

export function checkWallets(flag: string, wallets: readonly string[]): string[] {
  for (const wallet of wallets) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(wallet)) throw new BadInputError(`${flag}: not a wallet address: ${wallet}`);
  }
  return wallets.map((w) => w.toLowerCase());
}

