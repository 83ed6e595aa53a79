/** Shared test helpers: the official client against a sandbox, a hand-driven clock, Data API fetches. */
import { systemClock } from '../../../src/core/runtime.js';
import { Wallet } from '@ethersproject/wallet';
import { ClobClient, type ApiKeyCreds } from '@polymarket/clob-client-v2';
import type { Clock } from '../../../src/core/runtime.js';
import type { PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';

/** anvil's public dev keys (never real funds). */
export const KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
] as const;

export const USD = 1_000_000n;

/** An unmodified official client with freshly created/derived L2 credentials. */
export async function officialClient(
  sandbox: PolymarketSandbox,
  key: string,
  options: { signatureType?: number; funderAddress?: string } = {},
): Promise<{ client: ClobClient; wallet: Wallet; creds: ApiKeyCreds }> {
  const wallet = new Wallet(key);
  const l1 = new ClobClient({ host: sandbox.url, chain: 137, signer: wallet });
  const creds = await l1.createOrDeriveApiKey();
  const client = new ClobClient({
    host: sandbox.url,
    chain: 137,
    signer: wallet,
    creds,
    signatureType: options.signatureType,
    funderAddress: options.funderAddress,
  });
  return { client, wallet, creds };
}

/** A clock tests move by hand (whale timers still use real time through sleep). */
export function manualClock(start = Date.UTC(2026, 10, 25, 12)): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      }),
    after: systemClock.after,
    advance(ms: number) {
      now += ms;
    },
  };
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

/** Without throwOnError the client returns the venue's `{error, status}` where its types promise a response. */
export function refusal(response: unknown): { error?: string; status?: number | string } {
  return response as { error?: string; status?: number | string };
}
