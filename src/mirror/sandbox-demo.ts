/**
 * The embedded default (`betmirror mirror --sandbox`): a local Polymarket in this process with its
 * scripted whales trading, a throwaway key funded there, and the real adapter pointed at it.
 */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { MICRO } from '../core/money.js';
import type { Clock, Logger } from '../core/runtime.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import type { MirrorOptions } from './engine.js';
import type { RawMirrorSettings } from './settings.js';

export const DEMO_CASH = 1_000n * MICRO;
/** Shares each whale starts with in every open market, so its portfolio value (proportional sizing) is real. */
const WHALE_BOOK = 200n * MICRO;

export interface SandboxDemo {
  adapter: IExchangeAdapter;
  address: string;
  url: string;
  whales: string[];
  endpoints: MirrorOptions['endpoints'];
  /** Demo defaults under the profile's and the flags' (small orders keep a long session copying). */
  defaults: RawMirrorSettings;
  /** The throwaway key, for the caller's redactor. */
  privateKey: string;
  /** Lets the scripted whales trade; call once the mirror runs, so their first trades are not history. */
  startWhales(): void;
}

export async function withSandboxDemo<T>(
  deps: { clock: Clock; fetch: typeof fetch; logger: Logger; whaleIntervalMs?: number },
  work: (demo: SandboxDemo) => Promise<T>,
): Promise<T> {
  const { startPolymarketSandbox } = await import('../sandbox/polymarket/index.js');
  const { polymarketVenue } = await import('../exchanges/polymarket/index.js');
  const sandbox = await startPolymarketSandbox({ clock: deps.clock, whales: { autoStart: false, intervalMs: deps.whaleIntervalMs ?? 2000 } });
  try {
    const privateKey = generatePrivateKey();
    const address = privateKeyToAccount(privateKey).address;
    sandbox.fund(address, DEMO_CASH);
    for (const whale of sandbox.whales) {
      for (const market of sandbox.markets.filter((m) => m.active && !m.closed)) {
        for (const token of market.tokens) sandbox.setShares(whale, token.tokenId, WHALE_BOOK);
      }
    }
    const adapter = polymarketVenue.create({
      settings: { clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl, gammaUrl: sandbox.gammaUrl, rtdsUrl: sandbox.rtdsUrl, chainId: String(sandbox.chainId), signatureType: 'eoa' },
      secrets: { privateKey },
      fetch: deps.fetch,
      clock: deps.clock,
      logger: deps.logger,
    });
    return await work({
      adapter,
      address,
      url: sandbox.url,
      whales: sandbox.whales,
      endpoints: { dataApiUrl: sandbox.dataApiUrl, gammaUrl: sandbox.gammaUrl, rtdsUrl: sandbox.rtdsUrl },
      defaults: { 'max-per-trade': '25', 'max-slippage': '5', 'poll-interval': '1000' },
      privateKey,
      startWhales: () => sandbox.startWhales(),
    });
  } finally {
    sandbox.stopWhales();
    await sandbox.close();
  }
}
