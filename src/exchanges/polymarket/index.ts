/** Polymarket's registry entry: what settings.ts knows without loading the adapter, its market rules, and the adapter factory. */
import type { VenueDefinition } from '../adapter.js';
import { PolymarketAdapter } from './adapter.js';
import { POLYMARKET_RULES } from './rules.js';
import { polymarketInfo } from './settings.js';

export const polymarketVenue: VenueDefinition = {
  ...polymarketInfo,
  rules: POLYMARKET_RULES,
  create: (context) => new PolymarketAdapter(context),
};

export { PolymarketAdapter } from './adapter.js';
export { POLYMARKET_RULES } from './rules.js';
export { HYBRID_EXPLANATION, derivedFunder, resolveFunding } from './funding.js';
export { parseSignatureType, polymarketInfo, SIGNATURE_TYPE_NAMES, type SignatureType } from './settings.js';
