/**
 * CLOB REST routes at root paths, like https://clob.polymarket.com.
 * https://docs.polymarket.com/developers/CLOB/introduction
 */
import { formatMicros } from '../../core/money.js';
import { AuthFailure, L1_FAILURE, verifyL1, type ApiKey } from './auth.js';
import { fail, jsonBody, ok, type Reply, type Request, type Router } from './http.js';
import { OrderRefusal, orderResponse, placeOrder } from './orders.js';
import { scheduleOf } from './fees.js';
import { EXCHANGES, proxyWalletOf, safeOf } from './signing.js';
import { bookJson, clobMarketJson, marketJson, openOrderJson, tradeJson } from './views.js';
import type { Venue } from './venue.js';

const END_CURSOR = 'LTE=';
const MAX_UINT256 = (2n ** 256n - 1n).toString();
const INVALID_TOKEN = 'Invalid token id';
const NO_BOOK = 'No orderbook exists for the requested token id';

/** Who may reach the order endpoints: a geoblocked caller is stopped at the edge (see geoblockPage). */
export interface EdgeAccess {
  geoblocked: boolean;
}

/** Placing and cancelling: the endpoints production geoblocks. */
const ORDER_ENDPOINTS = new Set(['POST /order', 'POST /orders', 'DELETE /order', 'DELETE /orders', 'DELETE /cancel-all', 'DELETE /cancel-market-orders']);

/**
 * What a restricted country gets from the order endpoints: HTTP 403 and Cloudflare's HTML block page,
 * before any authentication (https://docs.polymarket.com/api-reference/geoblock; the page as quoted in
 * py-clob-client issues #101, #143 and #152).
 */
function geoblockPage(): Reply {
  const html = [
    '<!DOCTYPE html>',
    '<html class="no-js" lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>',
    '<body><div id="cf-wrapper"><div id="cf-error-details" class="cf-error-details-wrapper">',
    '<h1 data-translate="block_headline">Sorry, you have been blocked</h1>',
    '<h2 class="cf-subheadline"><span data-translate="unable_to_access">You are unable to access</span> polymarket.com</h2>',
    '<span class="cf-footer-item">Cloudflare Ray ID: <strong>8f00sandbox0001</strong></span>',
    '</div></div></body></html>',
  ].join('\n');
  return { status: 403, body: html, contentType: 'text/html; charset=UTF-8' };
}

export function registerClobRoutes(router: Router, venue: Venue, access: EdgeAccess = { geoblocked: false }): void {
  /** L2-protected handler: verifies the HMAC over the raw request, then passes the key on. */
  const l2 = (handler: (req: Request, key: ApiKey) => Reply | Promise<Reply>) => async (req: Request) => {
    if (access.geoblocked && ORDER_ENDPOINTS.has(`${req.method} ${req.path}`)) return geoblockPage();
    let key: ApiKey;
    try {
      key = venue.keys.verifyL2(req.headers, req.method, req.path, req.rawBody);
    } catch (error) {
      if (error instanceof AuthFailure) return fail(401, error.message);
      throw error;
    }
    venue.expireOrders();
    return handler(req, key);
  };
  const l1 = (handler: (address: `0x${string}`, nonce: bigint) => Reply) => async (req: Request) => {
    try {
      const { address, nonce } = await verifyL1(req.headers, venue.chainId);
      return handler(address, nonce);
    } catch (error) {
      if (error instanceof AuthFailure) return fail(401, L1_FAILURE);
      throw error;
    }
  };
  const token = (req: Request) => {
    const id = req.query.get('token_id') ?? '';
    const found = venue.marketOfToken(id);
    return found ? { id, ...found } : undefined;
  };
  const ownKeys = (key: ApiKey) => new Set(venue.keys.keysOf(key.address).map((k) => k.apiKey));

  router
    .on('GET', '/', () => ok('OK'))
    .on('GET', '/ok', () => ok('OK'))
    .on('GET', '/time', () => ok(venue.nowSeconds()))
    .on('GET', '/version', () => ok({ version: venue.exchangeVersion }))
    .on('GET', '/tick-size', (req) => {
      const t = token(req);
      return t ? ok({ minimum_tick_size: Number(t.market.tickSize) }) : fail(400, INVALID_TOKEN);
    })
    .on('GET', '/neg-risk', (req) => {
      const t = token(req);
      return t ? ok({ neg_risk: t.market.negRisk }) : fail(400, INVALID_TOKEN);
    })
    // The V1 fee parameter: observed (2026) as 1000 on every fee-bearing market and 0 elsewhere, whatever
    // the rate; the rate actually charged is `fd.r` of /clob-markets (py-clob-client-v2 issue #107).
    .on('GET', '/fee-rate', (req) => {
      const t = token(req);
      return t ? ok({ base_fee: scheduleOf(t.market) ? 1000 : 0 }) : fail(400, INVALID_TOKEN);
    })
    .on('GET', '/book', (req) => {
      const t = token(req);
      if (!t) return fail(400, INVALID_TOKEN);
      if (t.market.closed) return fail(404, NO_BOOK);
      return ok(bookJson(venue, t.market, t.id));
    })
    .on('POST', '/books', (req) => {
      const items = jsonBody(req);
      if (!Array.isArray(items)) return fail(400, 'Invalid payload');
      return ok(
        items
          .map((i: { token_id?: string }) => venue.marketOfToken(i.token_id ?? '') && i.token_id!)
          .filter((id): id is string => Boolean(id))
          .map((id) => bookJson(venue, venue.marketOfToken(id)!.market, id)),
      );
    })
    .on('POST', '/prices', (req) => {
      const items = jsonBody(req);
      if (!Array.isArray(items)) return fail(400, 'Invalid payload');
      const out: Record<string, Record<string, string>> = {};
      for (const { token_id: id, side } of items as Array<{ token_id?: string; side?: string }>) {
        if (!id || !venue.marketOfToken(id) || (side !== 'BUY' && side !== 'SELL')) continue;
        const q = venue.quote(id);
        const price = side === 'BUY' ? q.bid : q.ask;
        if (price !== undefined) out[id] = { ...out[id], [side]: formatMicros(price) };
      }
      return ok(out);
    })
    .on('POST', '/midpoints', (req) => {
      const items = jsonBody(req);
      if (!Array.isArray(items)) return fail(400, 'Invalid payload');
      const out: Record<string, string> = {};
      for (const { token_id: id } of items as Array<{ token_id?: string }>) {
        const mid = id && venue.marketOfToken(id) ? venue.quote(id).mid : undefined;
        if (id && mid !== undefined) out[id] = formatMicros(mid);
      }
      return ok(out);
    })
    .on('GET', '/price', (req) => {
      const t = token(req);
      if (!t) return fail(400, INVALID_TOKEN);
      const side = req.query.get('side');
      if (side !== 'BUY' && side !== 'SELL') return fail(400, 'Invalid side');
      // The venue answers BUY with the best bid and SELL with the best ask (the resting side's price).
      const q = venue.quote(t.id);
      const price = side === 'BUY' ? q.bid : q.ask;
      return price === undefined ? fail(404, NO_BOOK) : ok({ price: formatMicros(price) });
    })
    .on('GET', '/midpoint', (req) => {
      const t = token(req);
      if (!t) return fail(400, INVALID_TOKEN);
      const mid = venue.quote(t.id).mid;
      return mid === undefined ? fail(404, NO_BOOK) : ok({ mid: formatMicros(mid) });
    })
    .on('GET', '/spread', (req) => {
      const t = token(req);
      if (!t) return fail(400, INVALID_TOKEN);
      const q = venue.quote(t.id);
      return q.bid === undefined || q.ask === undefined ? fail(404, NO_BOOK) : ok({ spread: formatMicros(q.ask - q.bid) });
    })
    .on('GET', '/last-trade-price', (req) => {
      const t = token(req);
      if (!t) return fail(400, INVALID_TOKEN);
      const last = venue.lastTradePrice.get(t.id);
      return ok({ price: last === undefined ? '0.5' : formatMicros(last), side: '' });
    })
    .on('GET', '/markets', () =>
      ok({ limit: venue.markets.length, count: venue.markets.length, next_cursor: END_CURSOR,
        data: venue.markets.map((m) => marketJson(venue, m)) }),
    )
    .on('GET', '/markets/:conditionId', (req) => {
      const m = venue.marketById(req.params.conditionId!);
      return m ? ok(marketJson(venue, m)) : fail(404, 'market not found');
    })
    .on('GET', '/markets-by-token/:tokenId', (req) => {
      const found = venue.marketOfToken(req.params.tokenId!);
      return found ? ok({ condition_id: found.market.conditionId }) : fail(404, 'market not found');
    })
    .on('GET', '/clob-markets/:conditionId', (req) => {
      const m = venue.marketById(req.params.conditionId!);
      return m ? ok(clobMarketJson(m)) : fail(404, 'market not found');
    })

    // ---- L1: API keys ----
    .on('POST', '/auth/api-key', l1((address, nonce) => {
      const key = venue.keys.create(address, nonce);
      return key ? ok({ apiKey: key.apiKey, secret: key.secret, passphrase: key.passphrase }) : fail(400, 'Could not create api key');
    }))
    .on('GET', '/auth/derive-api-key', l1((address, nonce) => {
      const key = venue.keys.derived(address, nonce);
      return key ? ok({ apiKey: key.apiKey, secret: key.secret, passphrase: key.passphrase }) : fail(400, 'Could not derive api key!');
    }))

    // ---- L2 ----
    .on('GET', '/auth/api-keys', l2((_req, key) => ok({ apiKeys: venue.keys.keysOf(key.address).map((k) => k.apiKey) })))
    .on('DELETE', '/auth/api-key', l2((_req, key) => ok(venue.keys.delete(key.apiKey) ? 'OK' : 'NOT_FOUND')))
    .on('GET', '/auth/ban-status/closed-only', l2(() => ok({ closed_only: false })))
    .on('POST', '/v1/heartbeats', l2(() => ok({ heartbeat_id: '' })))
    .on('POST', '/order', l2(async (req, key) => {
      try {
        return ok(orderResponse(await placeOrder(venue, key, jsonBody(req))));
      } catch (error) {
        if (error instanceof OrderRefusal) return fail(error.status, error.message);
        throw error;
      }
    }))
    .on('POST', '/orders', l2(async (req, key) => {
      const items = jsonBody(req);
      if (!Array.isArray(items)) return fail(400, 'Invalid order payload');
      const out: unknown[] = [];
      for (const item of items) {
        try {
          out.push(orderResponse(await placeOrder(venue, key, item)));
        } catch (error) {
          if (!(error instanceof OrderRefusal)) throw error;
          out.push({ success: false, errorMsg: error.message, orderID: '', status: '', takingAmount: '', makingAmount: '' });
        }
      }
      return ok(out);
    }))
    .on('DELETE', '/order', l2((req, key) => {
      const id = (jsonBody(req) as { orderID?: unknown } | undefined)?.orderID;
      if (typeof id !== 'string') return fail(400, 'Invalid orderID');
      return ok(cancelIds(venue, ownKeys(key), [id]));
    }))
    .on('DELETE', '/orders', l2((req, key) => {
      const ids = jsonBody(req);
      if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string')) return fail(400, 'Invalid orderID');
      return ok(cancelIds(venue, ownKeys(key), ids as string[]));
    }))
    .on('DELETE', '/cancel-all', l2((_req, key) => {
      const mine = ownKeys(key);
      return ok(cancelIds(venue, mine, venue.engine.resting().filter((o) => mine.has(o.owner)).map((o) => o.id)));
    }))
    .on('DELETE', '/cancel-market-orders', l2((req, key) => {
      const body = (jsonBody(req) ?? {}) as { market?: string; asset_id?: string };
      const mine = ownKeys(key);
      const ids = venue.engine
        .resting()
        .filter((o) => mine.has(o.owner))
        .filter((o) => !body.asset_id || o.tokenId === body.asset_id)
        .filter((o) => !body.market || venue.marketOfToken(o.tokenId)?.market.conditionId === body.market)
        .map((o) => o.id);
      return ok(cancelIds(venue, mine, ids));
    }))
    .on('GET', '/data/order/:id', l2((req, key) => {
      const o = venue.orders.get(req.params.id!);
      return o && ownKeys(key).has(o.owner) ? ok(openOrderJson(venue, o)) : fail(404, 'order not found');
    }))
    .on('GET', '/data/orders', l2((req, key) => {
      const mine = ownKeys(key);
      const id = req.query.get('id');
      const market = req.query.get('market');
      const asset = req.query.get('asset_id');
      const data = venue.engine
        .resting()
        .filter((o) => mine.has(o.owner))
        .filter((o) => !id || o.id === id)
        .filter((o) => !asset || o.tokenId === asset)
        .filter((o) => !market || venue.marketOfToken(o.tokenId)?.market.conditionId === market)
        .sort((a, b) => a.seq - b.seq)
        .map((o) => openOrderJson(venue, o));
      return ok({ limit: data.length, count: data.length, next_cursor: END_CURSOR, data });
    }))
    .on('GET', '/data/trades', l2((req, key) => {
      const mine = ownKeys(key);
      const q = (k: string) => req.query.get(k);
      const data = venue.trades
        .filter((t) => mine.has(t.takerOrder.owner) || t.makers.some((m) => mine.has(m.order.owner)))
        .filter((t) => !q('id') || t.id === q('id'))
        .filter((t) => !q('market') || t.market.conditionId === q('market'))
        .filter((t) => !q('asset_id') || t.tokenId === q('asset_id'))
        .filter((t) => !q('maker_address') || [t.takerOrder, ...t.makers.map((m) => m.order)]
          .some((o) => mine.has(o.owner) && o.maker.toLowerCase() === q('maker_address')!.toLowerCase()))
        .filter((t) => !q('before') || t.matchTime < Number(q('before')))
        .filter((t) => !q('after') || t.matchTime > Number(q('after')))
        .map((t) => tradeJson(t, mine))
        .reverse();
      return ok({ limit: data.length, count: data.length, next_cursor: END_CURSOR, data });
    }))
    .on('GET', '/balance-allowance', l2((req, key) => balanceAllowance(venue, req, key)))
    .on('GET', '/balance-allowance/update', l2((req, key) => balanceAllowance(venue, req, key)));
}

/** The funder the venue reads balances of: the EOA, its proxy, its Safe, or its deposit wallet. */
export function funderOf(venue: Venue, eoa: string, signatureType: number): string {
  switch (signatureType) {
    case 1:
      return proxyWalletOf(eoa);
    case 2:
      return safeOf(eoa);
    case 3: {
      const e = eoa.toLowerCase();
      for (const [wallet, rec] of venue.depositWallets) {
        if (rec.owner.toLowerCase() === e || rec.sessionSigners.has(e)) return wallet;
      }
      return eoa;
    }
    default:
      return eoa;
  }
}

function balanceAllowance(venue: Venue, req: Request, key: ApiKey): Reply {
  const assetType = req.query.get('asset_type');
  const funder = funderOf(venue, key.address, Number(req.query.get('signature_type') ?? '0'));
  const spenders = Object.values(EXCHANGES[venue.chainId]);
  const allowances = Object.fromEntries(spenders.map((s) => [s, MAX_UINT256]));
  if (assetType === 'COLLATERAL') {
    return ok({ balance: venue.ledger.collateralOf(funder).toString(), allowances });
  }
  if (assetType === 'CONDITIONAL') {
    const tokenId = req.query.get('token_id') ?? '';
    if (!venue.marketOfToken(tokenId)) return fail(400, INVALID_TOKEN);
    return ok({ balance: venue.ledger.sharesOf(funder, tokenId).toString(), allowances });
  }
  return fail(400, 'Invalid asset type');
}

function cancelIds(venue: Venue, mine: Set<string>, ids: string[]): { canceled: string[]; not_canceled: Record<string, string> } {
  const canceled: string[] = [];
  const notCanceled: Record<string, string> = {};
  for (const id of ids) {
    const o = venue.orders.get(id);
    if (!o || !mine.has(o.owner)) notCanceled[id] = 'order not found';
    else if (o.status !== 'LIVE') notCanceled[id] = "order can't be found - already canceled or matched";
    else {
      venue.cancel(o);
      canceled.push(id);
    }
  }
  return { canceled, not_canceled: notCanceled };
}
