/** The local, protocol-faithful Polymarket sandbox (CLOB V2, Data API, Gamma, RTDS, scripted whales). */
export { startPolymarketSandbox } from './sandbox.js';
export { defaultMarkets, makeMarket } from './markets.js';
export type {
  ActivityItem,
  PolymarketSandbox,
  RecordedRequest,
  SandboxMarket,
  SandboxOptions,
  SandboxToken,
  WhaleTradeInput,
} from './types.js';
