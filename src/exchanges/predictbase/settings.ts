/**
 * What betmirror knows about PredictBase before loading its adapter: settings, secret and capabilities.
 * Light on purpose: the registry and every command's help read it.
 */
import type { VenueInfo } from '../adapter.js';
import { BASE_RPC_URL, PREDICTBASE_API_URL } from './wire.js';

export const predictbaseInfo: VenueInfo = {
  id: 'predictbase',
  title: 'PredictBase',
  has: {
    // The USDC is in the user's wallet, which betmirror cannot sign for: no withdrawal through the API.
    cashout: false,
    orderBook: true,
    // No positions or holdings endpoint is documented.
    positions: false,
    openOrders: true,
    // Only active orders can be listed (D5): a filled order cannot be read back by id.
    fetchOrder: false,
    // FAK only, as a LIMIT GTC at the cap with its rest cancelled (wire.ts TIME_IN_FORCE); FOK is refused.
    marketableOrders: true,
    expiringOrders: false,
  },
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
};
