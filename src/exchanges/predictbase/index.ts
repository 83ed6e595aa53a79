/** PredictBase's registry entry: what settings.ts knows without loading the adapter, its market rules, and the adapter factory. */
import type { VenueDefinition } from '../adapter.js';
import { PREDICTBASE_RULES, PredictBaseAdapter } from './adapter.js';
import { instrumentOf } from './ids.js';
import { predictbaseInfo } from './settings.js';

export { PredictBaseAdapter, PREDICTBASE_RULES } from './adapter.js';
export { EXCEPTIONS } from './errors.js';
export { predictbaseInfo } from './settings.js';

export const predictbaseVenue: VenueDefinition = {
  ...predictbaseInfo,
  rules: PREDICTBASE_RULES,
  instrumentOf,
  create: (context) => new PredictBaseAdapter(context),
};
