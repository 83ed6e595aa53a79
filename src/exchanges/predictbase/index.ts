/** PredictBase's registry entry: settings, secret, static capabilities and market rules, and the adapter factory. */
import type { VenueDefinition } from '../adapter.js';
import { PREDICTBASE_CAPABILITIES, PREDICTBASE_RULES, PredictBaseAdapter } from './adapter.js';
import { instrumentOf } from './ids.js';
import { BASE_RPC_URL, PREDICTBASE_API_URL } from './wire.js';

export { PredictBaseAdapter, PREDICTBASE_CAPABILITIES, PREDICTBASE_RULES } from './adapter.js';
export { EXCEPTIONS } from './errors.js';

export const predictbaseVenue: VenueDefinition = {
  id: 'predictbase',
  title: 'PredictBase',
  settings: [
    { key: 'apiUrl', env: 'PREDICTBASE_API_URL', description: 'PredictBase API base URL', default: PREDICTBASE_API_URL },
    {
      // Not secret: the wallet is public on Base; orders name it as `userId`.
      key: 'address',
      env: 'PREDICTBASE_ADDRESS',
      description: 'your wallet address on PredictBase (the user the API key belongs to)',
    },
    { key: 'rpcUrl', env: 'BASE_RPC_URL', description: "Base RPC URL, to read the wallet's USDC balance", default: BASE_RPC_URL },
  ],
  secrets: [{ key: 'apiKey', env: 'PREDICTBASE_API_KEY', description: 'API key (x-api-key, bound to your PredictBase user)', required: true }],
  has: PREDICTBASE_CAPABILITIES,
  rules: PREDICTBASE_RULES,
  instrumentOf,
  create: (context) => new PredictBaseAdapter(context),
};
