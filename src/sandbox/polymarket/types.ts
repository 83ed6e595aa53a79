/** Public shapes of the local Polymarket sandbox (the contract agreed in sandbox-api.md). */
import type { Clock } from '../../core/runtime.js';

export interface SandboxToken {
  /** Decimal string of the uint256 outcome token id. */
  tokenId: string;
  outcome: string;
}

export interface SandboxMarket {
  conditionId: `0x${string}`;
  question: string;
  slug: string;
  eventSlug: string;
  /** YES then NO. */
  tokens: [SandboxToken, SandboxToken];
  /** "0.01" etc. */
  tickSize: string;
  /** Shares, e.g. 5. */
  minOrderSize: number;
  negRisk: boolean;
  active: boolean;
  closed: boolean;
  /**
   * Addition: the taker fee rate of the market's fee schedule (`fd.r` of GET /clob-markets, e.g. 0.07
   * for crypto, 0.03 for sports per docs.polymarket.com/trading/fees). Absent or 0: fee-free.
   */
  feeRate?: number;
  /** Addition: the schedule's exponent (`fd.e`): fee = C x rate x (p(1-p))^exponent. Default 1. */
  feeExponent?: number;
}

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 = random free port. One HTTP server serves CLOB, Data API, Gamma and the RTDS websocket. */
  port?: number;
  /** Default 137. */
  chainId?: 137 | 80002;
  /** Default systemClock. */
  clock?: Clock;
  /** Default: a few built-in markets (one neg-risk, one with tick 0.001, one closed). */
  markets?: SandboxMarket[];
  /** Default true: an internal market maker rests bids/asks on every active market. */
  liquidity?: boolean;
  /** Scripted whales; default count 2, interval 3000 ms, autoStart false. */
  whales?: { count?: number; intervalMs?: number; autoStart?: boolean };
  /** GET /version answer; default 2. */
  exchangeVersion?: 2 | 3;
  /**
   * Addition: refuse signature types 0-2 with "maker address not allowed, please use the deposit wallet
   * flow", as the venue does for API users onboarded since May 2026. Default false.
   */
  depositWalletFlowOnly?: boolean;
  /** Addition: the Data API's indexing lag; fills younger than this are missing from /activity and /trades. Default 0. */
  dataApiLagMs?: number;
  /** Addition: keep at most this many entries in `requests` (oldest dropped). Default 100000. */
  maxRecordedRequests?: number;
  /**
   * Addition: every Gamma route answers this HTTP status (404, 500) or never answers ('hang'), to prove
   * that only market names depend on Gamma. Default: Gamma answers.
   */
  gammaFailure?: 404 | 500 | 'hang';
  /**
   * Addition: answer the order endpoints (place, cancel) with HTTP 403 and Cloudflare's block page, as
   * production does from restricted countries. Default false.
   */
  geoblocked?: boolean;
  /**
   * Addition: enforce the Data API's documented rate limits (1,000 requests / 10 s overall, /trades 200,
   * /positions 150): past them, 429 with Retry-After. Default false.
   */
  dataApiRateLimits?: boolean;
  /** Seed of the sandbox's deterministic randomness (API keys, whale choices). Default 1. Addition. */
  seed?: number;
}

/** One Data API activity row (GET /activity), also the RTDS trade payload. */
export interface ActivityItem {
  proxyWallet: string;
  timestamp: number;
  conditionId: string;
  type: 'TRADE';
  size: number;
  usdcSize: number;
  transactionHash: string;
  price: number;
  asset: string;
  side: 'BUY' | 'SELL';
  outcomeIndex: number;
  outcome: string;
  title: string;
  slug: string;
  icon: string;
  eventSlug: string;
  name: string;
  pseudonym: string;
  bio: string;
  profileImage: string;
  profileImageOptimized: string;
}

export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface WhaleTradeInput {
  wallet: string;
  tokenId: string;
  side: 'BUY' | 'SELL';
  /** Shares. */
  size: number;
  /** Worst price accepted. */
  price: number;
}

export interface PolymarketSandbox {
  /** Base URL, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** == url (CLOB REST at root paths, like production). */
  clobUrl: string;
  /** `${url}/data-api`. */
  dataApiUrl: string;
  /** `${url}/gamma`. */
  gammaUrl: string;
  /** ws://127.0.0.1:PORT/rtds. */
  rtdsUrl: string;
  chainId: number;
  markets: SandboxMarket[];
  /** Addresses of the scripted whale wallets (their "proxyWallet"). */
  whales: `0x${string}`[];
  /** Addition: the internal market maker's wallet (the maker side of most fills). */
  marketMaker: `0x${string}`;
  /** Credit collateral (pUSD micro-units) to any address (the funder / maker address). */
  fund(address: string, usd: bigint): void;
  collateralOf(address: string): bigint;
  /** Set outcome-token shares (micro-units). */
  setShares(address: string, tokenId: string, shares: bigint): void;
  sharesOf(address: string, tokenId: string): bigint;
  /** Registers a deposit wallet (signature type 3) with its owner and optional approved session signers. */
  registerDepositWallet(wallet: string, owner: string, sessionSigners?: string[]): void;
  /** Makes a whale (or any internal wallet) trade NOW against the book; returns its fills (Data API shape). */
  whaleTrade(input: WhaleTradeInput): Promise<ActivityItem[]>;
  startWhales(): void;
  stopWhales(): void;
  /** RTDS control for tests: stop sending messages without closing sockets (a "silent" stream), and resume. */
  setRtdsSilent(silent: boolean): void;
  /**
   * Addition: keep one RTDS activity channel silent (`trades` went silent in production in March 2026,
   * real-time-data-client issue #42) while the other still delivers; pongs are still answered.
   */
  setRtdsChannelSilent(channel: 'trades' | 'orders_matched', silent: boolean): void;
  /** Addition: switch the Data API's documented rate limits on or off (see SandboxOptions.dataApiRateLimits). */
  setDataApiRateLimits(on: boolean): void;
  /** Addition: 429 answers the Data API gave while its rate limits were on (since they were last switched on). */
  readonly dataApiRefused: number;
  /** Addition: change the Data API's indexing lag (ms) at runtime. */
  setDataApiLagMs(ms: number): void;
  /** Addition: geoblock the order endpoints (403 + Cloudflare block page) from now on, or lift it. */
  setGeoblocked(geoblocked: boolean): void;
  /** Addition: make Gamma fail (404, 500) or hang from now on; undefined: answer again. */
  setGammaFailure(failure: 404 | 500 | 'hang' | undefined): void;
  /** Addition: send every RTDS message twice (the live stream is observed to duplicate), for dedup tests. */
  setRtdsDuplicates(duplicates: boolean): void;
  /** Every HTTP request received. */
  requests: RecordedRequest[];
  /** Addition: changes a market's tick size (the venue does this near 0/1); clients with a cached tick then get refused. */
  setTickSize(conditionId: string, tickSize: string): void;
  /** Addition: collateral reserved by the address's resting BUY orders (micro-units). */
  reservedOf(address: string): bigint;
  /**
   * Addition: gives a market a taker fee schedule (rate 0 makes it fee-free again). Fees are charged at
   * match time, to takers only: a BUY's in shares, a SELL's in pUSD (see fees.ts).
   */
  setFeeSchedule(conditionId: string, rate: number, exponent?: number): void;
  /** Addition: the wallet the venue's fees are paid to (its pUSD and shares grow by every fee charged). */
  feeCollector: `0x${string}`;
  close(): Promise<void>;
}
