/**
 * The market map moved to src/mirror/market-map.ts when PredictBase entries joined Kalshi's (the format
 * and Kalshi's behaviour are unchanged). Kept so existing imports keep working.
 */
export { mapSignal, parseMarketMap, type MarketMap, type MarketMapEntry, type SignalToMap } from '../../mirror/market-map.js';
export type MappedSignal = { ticker: string; outcome: import('../../core/types.js').Outcome } | { skip: string };
