/** Starts the sandbox: one HTTP server (CLOB at root, Data API, Gamma) plus the RTDS websocket. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getAddress } from 'viem';
import { BadInputError } from '../../core/errors.js';
import { systemClock } from '../../core/runtime.js';
import { registerClobRoutes } from './clob.js';
import { registerDataRoutes } from './data.js';
import { GammaControl, registerGammaRoutes } from './gamma.js';
import { registerHistoryRoutes } from './history.js';
import { Router, fail, flatHeaders, readBody, send } from './http.js';
import { MARKET_MAKER, MarketMaker, internalAddress } from './liquidity.js';
import { VALID_TICK_SIZES, defaultMarkets } from './markets.js';
import { DataApiRateLimits } from './rate-limits.js';
import { RtdsServer } from './rtds.js';
import type { PolymarketSandbox, RecordedRequest, SandboxOptions } from './types.js';
import { Venue } from './venue.js';
import { Whales } from './whales.js';

export async function startPolymarketSandbox(options: SandboxOptions = {}): Promise<PolymarketSandbox> {
  const host = options.host ?? '127.0.0.1';
  const chainId = options.chainId ?? 137;
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const markets = (options.markets ?? defaultMarkets()).map((m) => ({ ...m, tokens: [...m.tokens] as typeof m.tokens }));
  const venue = new Venue(markets, clock, chainId, options.exchangeVersion ?? 2, `sandbox-${seed}`);
  venue.depositWalletFlowOnly = options.depositWalletFlowOnly ?? false;
  venue.dataApiLagMs = options.dataApiLagMs ?? 0;
  const feeCollector = internalAddress('fee-collector');
  venue.feeCollector = feeCollector;
  const maxRequests = options.maxRecordedRequests ?? 100_000;
  const maker = options.liquidity === false ? undefined : new MarketMaker(venue);
  maker?.start();
  const whales = new Whales(venue, maker, options.whales?.count ?? 2, options.whales?.intervalMs ?? 3000, seed);

  const router = new Router();
  const gamma = new GammaControl();
  gamma.failure = options.gammaFailure;
  // Past, resolved histories of scripted wallets (discover / vet / backtest); other requests fall through.
  registerHistoryRoutes(router, venue, clock, gamma);
  const edge = { geoblocked: options.geoblocked ?? false };
  registerClobRoutes(router, venue, edge);
  registerDataRoutes(router, venue, '/data-api');
  registerGammaRoutes(router, venue, '/gamma', gamma);
  const rtds = new RtdsServer(venue);
  const requests: RecordedRequest[] = [];
  let rateLimits = options.dataApiRateLimits ? new DataApiRateLimits(clock) : undefined;

  const server = createServer((req, res) => {
    void (async () => {
      let rawBody: string;
      try {
        rawBody = await readBody(req);
      } catch {
        res.destroy(); // the client went away mid-body
        return;
      }
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const headers = flatHeaders(req);
      const method = (req.method ?? 'GET').toUpperCase();
      requests.push({ method, path: `${url.pathname}${url.search}`, headers, body: rawBody, at: clock.now() });
      // A long-running `betmirror sandbox` must not grow without bound; tests stay far below the cap.
      if (requests.length > maxRequests) requests.splice(0, requests.length - maxRequests);
      try {
        const limited = url.pathname.startsWith('/data-api/') ? rateLimits?.check(url.pathname.replace(/^\/data-api(\/v2)?/, '')) : undefined;
        send(res, limited ?? (await router.dispatch({ method, path: url.pathname, query: url.searchParams, headers, rawBody })));
      } catch (error) {
        send(res, fail(500, error instanceof Error ? error.message : 'internal error'));
      }
    })();
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://sandbox').pathname === '/rtds') rtds.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  if (options.whales?.autoStart) whales.start();

  return {
    url,
    clobUrl: url,
    dataApiUrl: `${url}/data-api`,
    gammaUrl: `${url}/gamma`,
    rtdsUrl: `ws://${host}:${port}/rtds`,
    chainId,
    markets,
    whales: whales.addresses,
    marketMaker: MARKET_MAKER,
    feeCollector,
    requests,
    fund: (address, usd) => venue.ledger.fund(address, usd),
    collateralOf: (address) => venue.ledger.collateralOf(address),
    setShares: (address, tokenId, shares) => venue.ledger.setShares(address, tokenId, shares),
    sharesOf: (address, tokenId) => venue.ledger.sharesOf(address, tokenId),
    reservedOf: (address) => venue.reservedOf(address),
    registerDepositWallet(wallet, owner, sessionSigners = []) {
      venue.depositWallets.set(wallet.toLowerCase(), {
        owner: getAddress(owner),
        sessionSigners: new Set(sessionSigners.map((s) => s.toLowerCase())),
      });
    },
    whaleTrade: async (input) => whales.trade(input),
    startWhales: () => whales.start(),
    stopWhales: () => whales.stop(),
    setRtdsSilent(silent) {
      rtds.silent = silent;
    },
    setDataApiLagMs(ms) {
      venue.dataApiLagMs = ms;
    },
    setGeoblocked(geoblocked) {
      edge.geoblocked = geoblocked;
    },
    setGammaFailure(failure) {
      gamma.failure = failure;
    },
    setDataApiRateLimits(on) {
      rateLimits = on ? (rateLimits ?? new DataApiRateLimits(clock)) : undefined;
    },
    get dataApiRefused() {
      return rateLimits?.refused ?? 0;
    },
    setRtdsChannelSilent(channel, silent) {
      if (silent) rtds.silentChannels.add(channel);
      else rtds.silentChannels.delete(channel);
    },
    setRtdsDuplicates(duplicates) {
      rtds.duplicates = duplicates;
    },
    setTickSize(conditionId, tickSize) {
      const market = venue.marketById(conditionId);
      if (!market) throw new BadInputError(`unknown market ${conditionId}`);
      if (!(VALID_TICK_SIZES as readonly string[]).includes(tickSize)) throw new BadInputError(`invalid tick size ${tickSize}`);
      market.tickSize = tickSize;
    },
    setFeeSchedule(conditionId, rate, exponent = 1) {
      const market = venue.marketById(conditionId);
      if (!market) throw new BadInputError(`unknown market ${conditionId}`);
      if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new BadInputError(`invalid fee rate ${rate}: a fraction in [0, 1]`);
      if (!Number.isInteger(exponent) || exponent < 0) throw new BadInputError(`invalid fee exponent ${exponent}: a whole number >= 0`);
      market.feeRate = rate;
      market.feeExponent = exponent;
    },
    async close() {
      whales.stop();
      await rtds.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
