/**
 * The venue contract. The CLI and the mirror engine speak only this interface, so they never know
 * which venue they trade on. Adapters never print, prompt, read env or files, or exit: everything
 * they need arrives in their AdapterContext and every failure is thrown as a src/core/errors type.
 */
import type { Micros } from '../core/money.js';
import type { Clock, Logger } from '../core/runtime.js';
import type {
  AuthResult,
  Balance,
  CancelRequest,
  CancelResult,
  CashoutRequest,
  CashoutResult,
  InstrumentRules,
  MarketPrice,
  OpenOrder,
  OrderBook,
  OrderParams,
  OrderResult,
  Outcome,
  PermissionReport,
  Position,
} from '../core/types.js';

/** What an adapter can do beyond the required methods (ccxt's `has`). Commands ask before calling. */
export interface Capabilities {
  cashout: boolean;
  orderBook: boolean;
  positions: boolean;
  openOrders: boolean;
  /** fetchOrder(id): needed by the mirror to reconcile orders whose outcome was unknown at a crash. */
  fetchOrder: boolean;
  /** FOK/FAK with a worst-price cap. */
  marketableOrders: boolean;
  /** GTD orders with an expiry. */
  expiringOrders: boolean;
  /**
   * createOrder reports the order id through `onSigned` before anything is sent (Polymarket: the
   * order hash). So an order intent without a recorded id provably never reached the venue.
   */
  orderIdBeforeSend?: boolean;
}

export interface IExchangeAdapter {
  readonly exchangeName: string;
  readonly has: Capabilities;

  /** Loads what the adapter needs before trading (venue version, signer address...). Idempotent. */
  initialize(): Promise<void>;
  /** Checks locally and against the venue that the credentials can trade and move funds. */
  validatePermissions(): Promise<PermissionReport>;
  /** Obtains venue credentials (e.g. Polymarket L2 API keys). Returns secrets for the caller to store. */
  authenticate(): Promise<AuthResult>;
  fetchBalance(): Promise<Balance>;
  getMarketPrice(market: string, outcome?: Outcome): Promise<MarketPrice>;
  createOrder(params: OrderParams): Promise<OrderResult>;
  cancelOrder(request: CancelRequest): Promise<CancelResult>;
  cashout(request: CashoutRequest): Promise<CashoutResult>;

  fetchOrderBook?(market: string, outcome?: Outcome): Promise<OrderBook>;
  fetchPositions?(): Promise<Position[]>;
  /**
   * Shares of one instrument the account holds right now, from the venue's own ledger (Polymarket:
   * the CLOB's CONDITIONAL balance; Kalshi: the signed position in the ticker, for `outcome`), not from
   * an index that lags. The mirror sizes and bounds every sell by it and reconciles its books to it.
   */
  fetchHolding?(market: string, outcome?: Outcome): Promise<Micros>;
  /** Trading rules of one instrument (tick, minimums, open/closed, taker fee), from the venue's trading endpoints. */
  fetchInstrumentRules?(market: string, outcome?: Outcome): Promise<InstrumentRules>;
  fetchOpenOrders?(market?: string): Promise<OpenOrder[]>;
  /** One order's current state by id; OrderNotFoundError if the venue never saw it. */
  fetchOrder?(orderId: string): Promise<OrderResult>;
  /**
   * The balance cash-outs draw from, when it is not the trading balance (smart-account custody keeps
   * it in another account). Absent: cash-outs draw from fetchBalance's cash.
   */
  fetchCashoutBalance?(): Promise<Balance>;
  /** Releases sockets and timers. */
  close?(): Promise<void>;
}

/**
 * Everything an adapter receives. Settings are already resolved (flags > environment > profile >
 * defaults) and secrets already unlocked by the caller.
 */
export interface AdapterContext {
  settings: Readonly<Record<string, string | undefined>>;
  secrets: Readonly<Record<string, string | undefined>>;
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  /** Tells the caller about a secret the adapter obtained on its own (derived API credentials), so output never shows it. */
  onSecret?: (secret: string) => void;
}

export interface SettingSpec {
  /** Key in the profile's venue settings and in AdapterContext.settings. */
  key: string;
  /** Environment variable that overrides the profile value. */
  env?: string;
  description: string;
  default?: string;
}

export interface SecretSpec {
  /** Key in the secret store (scoped by venue) and in AdapterContext.secrets. */
  key: string;
  /** Environment variable accepted for CI and scripts. */
  env?: string;
  /** Environment variable naming a file whose content is the secret (e.g. a PEM key file). */
  fileEnv?: string;
  description: string;
  /** Needed for every private call; otherwise optional (e.g. API credentials derivable by authenticate). */
  required: boolean;
}

/**
 * Trading rules that hold on every market of a venue, known without credentials: an order on this grid,
 * of at least these minimums, passes these checks on any market of the venue. A market may allow finer
 * (its fetchInstrumentRules tells); a field is absent where the venue's markets differ.
 */
export interface VenueRules {
  tickSize?: Micros;
  minSize?: Micros;
  minNotional?: Micros;
  sizeStep?: Micros;
  /** The most a taker pays for `shares` at `price`, in micro-dollars, where one formula holds on every market. */
  takerFee?(shares: Micros, price: Micros): Micros;
}

/**
 * What is known about a venue without loading its (heavy) modules: each venue's settings.ts exports it,
 * so help, completion and capability checks need no venue code. Its definition carries the same fields.
 */
export type VenueInfo = Pick<VenueDefinition, 'id' | 'title' | 'has' | 'settings' | 'secrets'>;

/** One entry of the adapter registry. */
export interface VenueDefinition {
  id: string;
  title: string;
  /**
   * What the venue can do, known without credentials (ccxt's `has`), so a command refuses what the
   * venue cannot do before it reads a secret. The adapter's `has` is the same.
   */
  has: Readonly<Capabilities>;
  settings: readonly SettingSpec[];
  secrets: readonly SecretSpec[];
  /** Trading rules that hold on every market of the venue, where the venue has such (its fetchInstrumentRules agrees). */
  rules?: Readonly<VenueRules>;
  /**
   * How `--market <id> --outcome <value>` name one instrument on this venue, for venues whose outcomes are
   * not yes/no (PredictBase: an option index or title). Absent: `--outcome` must be yes or no.
   */
  instrumentOf?(market: string, outcome: string): string;
  create(context: AdapterContext): IExchangeAdapter;
}
