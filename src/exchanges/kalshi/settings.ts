/**
 * What betmirror knows about Kalshi before loading its adapter: hosts, settings, secrets and capabilities.
 * Light on purpose (no crypto, no client): the registry and every command's help read it.
 */
import type { VenueInfo } from '../adapter.js';

/**
 * Kalshi's current hosts (VENUES 3): production is
 * external-api.kalshi.com (api.elections.kalshi.com also answers), demo external-api.demo.kalshi.co.
 */
export const KALSHI_URLS = {
  prod: 'https://external-api.kalshi.com/trade-api/v2',
  demo: 'https://external-api.demo.kalshi.co/trade-api/v2',
} as const;
export type KalshiEnv = keyof typeof KALSHI_URLS;

export const kalshiInfo: VenueInfo = {
  id: 'kalshi',
  title: 'Kalshi',
  // Withdrawals are not part of Kalshi's trading API (VENUES.md section 3).
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
};
