/** What `betmirror sandbox` puts on the local PredictBase: two markets with house quotes, and a key per funded wallet. */
import type { Micros } from '../../core/money.js';
import type { PredictBaseSandbox } from './index.js';

export interface PredictBaseDemo {
  /** Wallet address -> the API key bound to it on the local PredictBase. */
  keys: Record<string, string>;
  markets: Array<{ id: string; question: string; optionTitles: string[] }>;
}

const MARKETS = [
  { id: '10001', question: 'Will BTC close above $100k on 2026-12-31?', optionTitles: ['Yes', 'No'] },
  { id: '10002', question: 'Who wins the 2026 sandbox cup?', optionTitles: ['Reds', 'Blues', 'Greens'] },
];

export function seedDemo(venue: PredictBaseSandbox, funds: ReadonlyArray<{ address: string; usd: Micros }>): PredictBaseDemo {
  for (const market of MARKETS) {
    venue.addMarket({
      ...market,
      book: market.optionTitles.flatMap((_, optionIndex) => [
        { side: 'BUY' as const, optionIndex, price: '0.30', qty: '500' },
        { side: 'SELL' as const, optionIndex, price: optionIndex === 0 ? '0.55' : '0.48', qty: '500' },
      ]),
    });
  }
  const keys: Record<string, string> = {};
  for (const { address, usd } of funds) {
    const key = `pb-sandbox-${address.slice(2, 10).toLowerCase()}`;
    venue.registerKey(key, address);
    venue.fund(address, usd);
    keys[address] = key;
  }
  return { keys, markets: MARKETS };
}
