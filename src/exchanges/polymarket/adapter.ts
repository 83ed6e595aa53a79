/**
 * PolymarketAdapter: IExchangeAdapter over the official @polymarket/clob-client-v2, for the four funding
 * modes (0 EOA, 1 proxy, 2 Safe, 3 deposit wallet). The signer/funder pair is checked locally before any
 * private request, orders are checked against the market's rules before they are sent, and every error
 * leaves through one place that maps it and removes secrets.
 * https://docs.polymarket.com/developers/CLOB/introduction
 */
import { AssetType, type ApiKeyCreds, type ClobClient } from '@polymarket/clob-client-v2';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { AuthenticationError, BetmirrorError, ConfigError } from '../../core/errors.js';
import type { Micros } from '../../core/money.js';
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
  PermissionCheck,
  PermissionReport,
  Position,
} from '../../core/types.js';
import type { AdapterContext, Capabilities, IExchangeAdapter } from '../adapter.js';
import { cashout } from './cashout.js';
import { PolygonRpc } from './chain.js';
import { createClobClient, createSigner, type ClobWiring } from './client.js';
import { redactError, toBetmirrorError, venueError } from './errors.js';
import { resolveFunding } from './funding.js';
import { assertOrderId, assertTokenId } from './ids.js';
import { MarketMetaCache } from './market.js';
import { checkOrderShape, clobOrderType, type OrderVersion } from './orders.js';
import { placeOrder, type PlacementDeps } from './place.js';
import { postSignedOrder } from './post.js';
import { readHolding, readOrder } from './reads.js';
import { RelayerHttp } from './relayer.js';
import { instrumentRules } from './rules.js';
import { polymarketInfo, resolveConfig, type PolymarketConfig } from './settings.js';
import { bookOf, fetchPositions, openOrderOf, permissionChecksOf, reservedByBuys } from './wire.js';

interface Identity {
  account: PrivateKeyAccount;
  privateKey: `0x${string}`;
  funder: `0x${string}`;
}

export class PolymarketAdapter implements IExchangeAdapter {
  readonly exchangeName = 'polymarket';
  readonly has: Capabilities = { ...polymarketInfo.has };

  private readonly config: PolymarketConfig;
  private creds?: ApiKeyCreds;
  /** One derivation shared by concurrent calls that find no credentials. */
  private credsPromise?: Promise<ApiKeyCreds>;
  private clientInstance?: ClobClient;
  private metaCache?: MarketMetaCache;
  private version?: OrderVersion;

  constructor(private readonly ctx: AdapterContext) {
    this.config = resolveConfig(ctx.settings, ctx.secrets);
    this.creds = this.config.creds;
  }

  /** Local only: resolves the signer and checks the signer/funder pair. */
  initialize(): Promise<void> {
    return this.guard('initializing Polymarket', async () => {
      this.identity();
    });
  }

  /** Signer/funder pair (local, first), API credentials, collateral and allowances. https://docs.polymarket.com/developers/CLOB/orders/create-order#signature-types */
  validatePermissions(): Promise<PermissionReport> {
    return this.guard('checking Polymarket permissions', async () => {
      if (!this.config.privateKey) {
        return { ok: false, checks: [{ name: 'private key', ok: false, detail: 'POLYMARKET_PRIVATE_KEY is not set' }] };
      }
      const signer = privateKeyToAccount(this.config.privateKey).address;
      const funding = this.funding(signer);
      if (!funding.ok) {
        // Refused locally: nothing is sent for a pair the exchange contract would reject.
        return { ok: false, signer, funder: this.config.funder, checks: [funding.check] };
      }
      const hadCreds = this.creds !== undefined;
      try {
        await this.ensureCreds();
      } catch (error) {
        const detail = toBetmirrorError('deriving API credentials', error).message;
        return { ok: false, signer, funder: funding.funder, checks: [funding.check, { name: 'API credentials', ok: false, detail }] };
      }
      let collateral;
      try {
        collateral = await this.client().getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
      } catch (error) {
        const mapped = toBetmirrorError('reading the collateral', error);
        if (!(mapped instanceof AuthenticationError)) throw mapped;
        const detail = `the CLOB refused the stored credentials: ${mapped.message}`;
        return { ok: false, signer, funder: funding.funder, checks: [funding.check, { name: 'API credentials', ok: false, detail }] };
      }
      const credentials = {
        name: 'API credentials',
        ok: true,
        detail: hadCreds ? 'stored credentials accepted' : 'derived for this session (run `betmirror auth` to store them)',
      };
      const version = await this.orderVersion(false).catch(() => undefined);
      const checks: PermissionCheck[] = [funding.check, credentials, ...permissionChecksOf(collateral, this.config.chainId, funding.funder!, version)];
      // Funds and approvals are warnings: a new user with $0 must still be able to run `auth`.
      return { ok: checks.every((check) => check.ok || check.severity === 'warning'), signer, funder: funding.funder, checks };
    });
  }

  /** L1 createOrDeriveApiKey. https://docs.polymarket.com/developers/CLOB/authentication */
  authenticate(): Promise<AuthResult> {
    return this.guard('creating Polymarket API credentials', async () => {
      const { account, funder } = this.identity();
      const creds = await this.deriveCreds();
      return {
        account: funder,
        issuedSecrets: { apiKey: creds.key, apiSecret: creds.secret, apiPassphrase: creds.passphrase },
        info: { signer: account.address, funder, signatureType: this.config.signatureType },
      };
    });
  }

  /** Collateral of the funder. https://docs.polymarket.com/developers/CLOB/balance-allowance */
  fetchBalance(): Promise<Balance> {
    return this.guard('reading the Polymarket balance', async () => {
      const { funder } = this.identity();
      await this.ensureCreds();
      const response = await this.client().getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
      return { cash: BigInt(response.balance || '0'), currency: 'USD', account: funder, info: response };
    });
  }

  /** Best bid/ask and midpoint from the book. https://docs.polymarket.com/developers/CLOB/prices-books/get-book */
  getMarketPrice(market: string): Promise<MarketPrice> {
    return this.guard(`reading the price of ${market}`, async () => {
      const book = await this.fetchBook(market);
      const bid = book.bids[0]?.price;
      const ask = book.asks[0]?.price;
      const mid = bid !== undefined && ask !== undefined ? (bid + ask) / 2n : undefined;
      return { market, bid, ask, mid, info: book.info };
    });
  }

  fetchOrderBook(market: string): Promise<OrderBook> {
    return this.guard(`reading the order book of ${market}`, () => this.fetchBook(market));
  }

  /** https://docs.polymarket.com/developers/CLOB/orders/create-order */
  createOrder(params: OrderParams): Promise<OrderResult> {
    return this.guard('placing a Polymarket order', async () => {
      checkOrderShape(params, this.ctx.clock.now());
      this.identity();
      // Credentials first: the order's owner is the API key, and deriving them must not race the build.
      if (!params.dryRun) await this.ensureCreds();
      return placeOrder(this.placement(params), params);
    });
  }

  /** https://docs.polymarket.com/developers/CLOB/orders/cancel-orders */
  cancelOrder(request: CancelRequest): Promise<CancelResult> {
    return this.guard('cancelling Polymarket orders', async () => {
      if (!request.all) request.orderIds.forEach((id) => assertOrderId(id));
      this.identity();
      await this.ensureCreds();
      const client = this.client();
      const ids = request.orderIds;
      const response = (request.all
        ? await client.cancelAll()
        : ids.length === 1
          ? await client.cancelOrder({ orderID: ids[0]! })
          : await client.cancelOrders(ids)) as { canceled?: string[]; not_canceled?: Record<string, string> };
      return { cancelled: response.canceled ?? [], notCancelled: response.not_canceled ?? {}, info: response };
    });
  }

  /** pUSD out of the funder: ERC-20 transfer (type 0) or relayer (types 1-3). https://docs.polymarket.com/developers/builders/relayer-client */
  cashout(request: CashoutRequest): Promise<CashoutResult> {
    return this.guard('cashing out of Polymarket', async () => {
      const { account, privateKey, funder } = this.identity();
      const { chainId, rpcUrl, relayerUrl, builderCreds, signatureType } = this.config;
      const rpc = new PolygonRpc(rpcUrl, chainId, this.ctx.fetch);
      try {
        return await cashout(
          {
            account,
            privateKey,
            signatureType,
            funder,
            chainId,
            rpc,
            relayer: new RelayerHttp(relayerUrl, this.ctx.fetch, builderCreds, () => Math.floor(this.ctx.clock.now() / 1000)),
            clock: this.ctx.clock,
            reserved: () => this.reservedByOpenBuys(),
          },
          request,
        );
      } finally {
        await rpc.close();
      }
    });
  }

  fetchPositions(): Promise<Position[]> {
    return this.guard('reading Polymarket positions', async () => {
      const { funder } = this.identity();
      return fetchPositions(this.ctx.fetch, this.config.dataApiUrl, funder);
    });
  }

  /** CONDITIONAL balance of the funder, from the CLOB. https://docs.polymarket.com/developers/CLOB/balance-allowance */
  fetchHolding(market: string): Promise<Micros> {
    return this.guard(`reading the Polymarket holding of ${market}`, async () => {
      assertTokenId(market);
      this.identity();
      await this.ensureCreds();
      return readHolding(this.client(), market);
    });
  }

  /** Tick, minimums, open/closed and the taker fee of a token, from the CLOB (rules.ts). https://docs.polymarket.com/developers/CLOB/prices-books/get-book */
  fetchInstrumentRules(market: string): Promise<InstrumentRules> {
    return this.guard(`reading the market rules of ${market}`, async () => {
      assertTokenId(market);
      return instrumentRules(this.meta(), { client: () => this.publicClient(), conditionOf: (token) => this.conditionOf(token) }, market);
    });
  }

  /** https://docs.polymarket.com/developers/CLOB/orders/get-active-order */
  fetchOpenOrders(market?: string): Promise<OpenOrder[]> {
    return this.guard('reading open Polymarket orders', async () => {
      if (market !== undefined) assertTokenId(market);
      this.identity();
      await this.ensureCreds();
      const orders = await this.client().getOpenOrders(market ? { asset_id: market } : undefined);
      return orders.map(openOrderOf);
    });
  }

  /** https://docs.polymarket.com/developers/CLOB/orders/get-order */
  fetchOrder(orderId: string): Promise<OrderResult> {
    return this.guard(`reading Polymarket order ${orderId}`, async () => {
      assertOrderId(orderId);
      this.identity();
      await this.ensureCreds();
      return readOrder({ client: this.client(), meta: this.meta(), trades: (ids) => this.trades(ids) }, orderId);
    });
  }

  async close(): Promise<void> {
    // Nothing held open: the official client and fetch keep no sockets of ours.
  }

  // ---- internals ----

  private identityCache?: Identity;

  /** The signer and its funder; throws before anything is sent when the pair cannot trade. */
  private identity(): Identity {
    if (this.identityCache) return this.identityCache;
    const privateKey = this.config.privateKey;
    if (!privateKey) {
      throw new ConfigError('no Polymarket private key', { hint: 'set POLYMARKET_PRIVATE_KEY or run `betmirror auth --exchange polymarket`' });
    }
    const account = privateKeyToAccount(privateKey);
    const funding = this.funding(account.address);
    if (!funding.ok) throw new AuthenticationError(funding.check.detail, { hint: funding.hint });
    this.identityCache = { account, privateKey, funder: funding.funder! };
    return this.identityCache;
  }

  private funding(signer: `0x${string}`) {
    const { signatureType, funder, depositWalletOwner, chainId } = this.config;
    return resolveFunding({ signatureType, signer, funder, depositWalletOwner, chainId });
  }

  private wiring(funder: `0x${string}`): ClobWiring {
    return {
      host: this.config.clobUrl,
      chainId: this.config.chainId,
      signer: createSigner(this.config.privateKey!),
      signatureType: this.config.signatureType,
      funder,
      creds: this.creds,
    };
  }

  private keylessClient?: ClobClient;
  private orderSigner?: ReturnType<typeof createSigner>;

  /** What placing an order needs: our caches, and a POST of our own with the client's signing helpers. */
  private placement(params: OrderParams): PlacementDeps {
    return {
      exchangeName: this.exchangeName,
      chainId: this.config.chainId,
      client: () => this.client(),
      meta: this.meta(),
      version: (refresh) => this.orderVersion(refresh),
      apiKey: () => this.creds?.key ?? '',
      post: (signed, orderId) => {
        this.orderSigner ??= createSigner(this.identity().privateKey);
        const poster = {
          host: this.config.clobUrl.replace(/\/$/, ''),
          fetch: this.ctx.fetch,
          signer: this.orderSigner,
          creds: this.creds!,
          nowSeconds: () => Math.floor(this.ctx.clock.now() / 1000),
        };
        return postSignedOrder(poster, signed, clobOrderType(params), orderId);
      },
      trades: (ids) => this.trades(ids),
      debug: (message) => this.ctx.logger.debug(message),
    };
  }

  /** GET /data/trades?id= for each id (one page each: an id names one trade). */
  private async trades(ids: readonly string[]) {
    const pages = await Promise.all(ids.map((id) => this.client().getTrades({ id }, true)));
    return pages.flat();
  }

  private canSign(): boolean {
    if (!this.config.privateKey) return false;
    return this.funding(privateKeyToAccount(this.config.privateKey).address).ok;
  }

  /** One official client per adapter, so its version and market caches live as long as the adapter. */
  private client(): ClobClient {
    this.clientInstance ??= createClobClient(this.wiring(this.identity().funder));
    return this.clientInstance;
  }

  /** Public data: a signer/funder pair that cannot trade must not block reading prices and market rules. */
  private publicClient(): ClobClient {
    return this.canSign() ? this.client() : (this.keylessClient ??= createClobClient({ host: this.config.clobUrl, chainId: this.config.chainId, signatureType: 0 }));
  }

  private meta(): MarketMetaCache {
    this.metaCache ??= new MarketMetaCache(() => this.publicClient(), this.ctx.logger);
    return this.metaCache;
  }

  private setCreds(creds: ApiKeyCreds): void {
    this.creds = creds;
    for (const secret of [creds.key, creds.secret, creds.passphrase]) if (secret) this.ctx.onSecret?.(secret);
    // Hand them to the live client rather than rebuilding it: calls in flight keep a working client,
    // and its tick-size / version caches survive.
    if (this.clientInstance) (this.clientInstance as { creds?: ApiKeyCreds }).creds = creds;
  }

  /** API credentials from the secret store, else derived from the key (L1) once, shared by concurrent callers, and kept in memory only. */
  private async ensureCreds(): Promise<void> {
    if (this.creds) return;
    this.credsPromise ??= this.deriveCreds().then(
      (creds) => {
        this.ctx.logger.debug('polymarket: derived API credentials for this session (run `auth` to store them)');
        return creds;
      },
      (error: unknown) => {
        // A failed derivation is not kept: the next call tries again.
        this.credsPromise = undefined;
        throw error;
      },
    );
    await this.credsPromise;
  }

  /** Collateral the venue holds back for our resting BUY orders: a cashout leaves it in place. */
  private async reservedByOpenBuys(): Promise<bigint> {
    await this.ensureCreds();
    return reservedByBuys((await this.client().getOpenOrders()).map(openOrderOf));
  }

  /** L1: create the key, or derive it when it exists (deterministic per signer and nonce 0). */
  private async deriveCreds(): Promise<ApiKeyCreds> {
    // Without throwOnError, createOrDeriveApiKey falls back to derive when create is refused.
    const l1 = createClobClient({ ...this.wiring(this.identity().funder), creds: undefined, throwOnError: false });
    const creds = await l1.createOrDeriveApiKey();
    if (!creds?.key || !creds.secret || !creds.passphrase) {
      throw new AuthenticationError('the CLOB did not issue API credentials for this key', {
        info: { response: creds?.key === undefined ? 'no key' : 'incomplete credentials' },
        hint: 'check POLYMARKET_CLOB_URL and POLYMARKET_CHAIN_ID, then run `betmirror auth --exchange polymarket`',
      });
    }
    this.setCreds(creds);
    return creds;
  }

  /** GET /version once; `refresh` after the venue answered order_version_mismatch. */
  private async orderVersion(refresh: boolean): Promise<OrderVersion> {
    if (refresh || this.version === undefined) {
      const version = await this.client().getVersion();
      this.version = version === 3 ? 3 : 2;
    }
    return this.version;
  }

  /** GET /markets-by-token/{token}: the market a token without a book belongs to (the official client keeps this call private). */
  private async conditionOf(tokenId: string): Promise<string | undefined> {
    const response = await this.ctx.fetch(`${this.config.clobUrl.replace(/\/$/, '')}/markets-by-token/${tokenId}`);
    if (response.status === 404) return undefined;
    const body = (await response.json().catch(() => undefined)) as { condition_id?: string; error?: string } | undefined;
    if (!response.ok) throw venueError(`looking up the market of token ${tokenId}`, { reason: body?.error ?? `HTTP ${response.status}`, status: response.status, payload: body });
    return body?.condition_id || undefined;
  }

  private async fetchBook(market: string): Promise<OrderBook> {
    assertTokenId(market);
    const summary = await this.publicClient().getOrderBook(market);
    this.meta().remember(summary);
    return bookOf(market, summary);
  }

  /** The one exit for errors: mapped to the unified tree, secrets removed from message, hint and info. */
  private async guard<T>(context: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const mapped: BetmirrorError = toBetmirrorError(context, error);
      const { privateKey, creds, builderCreds } = this.config;
      const secrets = [privateKey, creds?.key, creds?.secret, creds?.passphrase, this.creds?.key, this.creds?.secret, this.creds?.passphrase, builderCreds?.secret, builderCreds?.passphrase];
      throw redactError(mapped, secrets.filter((s): s is string => Boolean(s)));
    }
  }
}

