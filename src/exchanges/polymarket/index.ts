/** Polymarket's entry in the adapter registry. */
import type { VenueDefinition } from '../adapter.js';
import { PolymarketAdapter } from './adapter.js';
import { POLYMARKET_SECRETS, POLYMARKET_SETTINGS } from './config.js';

export const polymarketVenue: VenueDefinition = {
  id: 'polymarket',
  title: 'Polymarket',
  // As PolymarketAdapter.has.
  has: { cashout: true, orderBook: true, positions: true, openOrders: true, fetchOrder: true, marketableOrders: true, expiringOrders: true, orderIdBeforeSend: true },
  settings: POLYMARKET_SETTINGS,
  secrets: POLYMARKET_SECRETS,
  create: (context) => new PolymarketAdapter(context),
};

export { PolymarketAdapter } from './adapter.js';
export { HYBRID_EXPLANATION, derivedFunder, resolveFunding } from './funding.js';
export { parseSignatureType, SIGNATURE_TYPE_NAMES, type SignatureType } from './config.js';
