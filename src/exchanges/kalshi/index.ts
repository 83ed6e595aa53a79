/** Kalshi's registry entry: settings, secrets and the adapter factory. */
import type { VenueDefinition } from '../adapter.js';
import { KALSHI_URLS, KalshiAdapter } from './adapter.js';

export { KalshiAdapter, KALSHI_URLS, MAX_CLOCK_SKEW_MS, type KalshiEnv } from './adapter.js';
export { signRequest, signingMessage, loadPrivateKey } from './auth.js';
export { parseMarketMap, mapSignal, type MarketMap, type MarketMapEntry, type MappedSignal } from './market-map.js';

export const kalshiVenue: VenueDefinition = {
  id: 'kalshi',
  title: 'Kalshi',
  // As KalshiAdapter.has: withdrawals are not part of Kalshi's trading API (VENUES.md section 3).
  has: { cashout: false, orderBook: true, positions: true, openOrders: true, fetchOrder: true, marketableOrders: true, expiringOrders: true },
  settings: [
    {
      key: 'env',
      env: 'KALSHI_ENV',
      description: 'Kalshi environment: prod or demo (API keys work only in their own environment)',
      default: 'prod',
    },
    {
      key: 'apiUrl',
      env: 'KALSHI_API_URL',
      description: `REST base URL including /trade-api/v2; overrides the environment's (prod ${KALSHI_URLS.prod}, demo ${KALSHI_URLS.demo})`,
    },
    {
      // Not secret: Kalshi shows the key id in the web app and it travels in every request header.
      key: 'apiKeyId',
      env: 'KALSHI_API_KEY_ID',
      description: 'Kalshi API key id (a UUID, from kalshi.com > Account > API keys)',
    },
  ],
  secrets: [
    {
      key: 'privateKeyPem',
      env: 'KALSHI_PRIVATE_KEY_PEM',
      fileEnv: 'KALSHI_PRIVATE_KEY_PATH',
      description: 'RSA private key (PEM text) of the Kalshi API key',
      required: true,
    },
  ],
  create: (context) => new KalshiAdapter(context),
};
