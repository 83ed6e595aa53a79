/** Kalshi's registry entry: what settings.ts knows without loading the adapter, and the adapter factory. */
import type { VenueDefinition } from '../adapter.js';
import { KalshiAdapter } from './adapter.js';
import { KALSHI_RULES } from './rules.js';
import { kalshiInfo } from './settings.js';

export { KalshiAdapter, MAX_CLOCK_SKEW_MS } from './adapter.js';
export { KALSHI_RULES } from './rules.js';
export { KALSHI_URLS, kalshiInfo, type KalshiEnv } from './settings.js';
export { signRequest, signingMessage, loadPrivateKey } from './auth.js';
export { parseMarketMap, mapSignal, type MarketMap, type MarketMapEntry, type MappedSignal } from './market-map.js';

export const kalshiVenue: VenueDefinition = {
  ...kalshiInfo,
  rules: KALSHI_RULES,
  create: (context) => new KalshiAdapter(context),
};
