/**
 * Private reads of one order and one holding, with what the venue's records leave out worked back in:
 * an order's fee (from its trades and the market's schedule) and the check that a record never reports
 * more than the order's size.
 * https://docs.polymarket.com/developers/CLOB/orders/get-order
 */
import { AssetType, type ClobClient, type Trade } from '@polymarket/clob-client-v2';
import { ExchangeError, OrderNotFoundError } from '../../core/errors.js';
import type { Micros } from '../../core/money.js';
import type { OrderResult } from '../../core/types.js';
import { assertTokenId } from './ids.js';
import { chargesFees, takerFee, takerFillsOf } from './fees.js';
import { assertRecordWithinSize, orderResultOf } from './wire.js';
import type { MarketMetaCache } from './market.js';

export interface ReadDeps {
  client: ClobClient;
  meta: MarketMetaCache;
  trades: (ids: readonly string[]) => Promise<Trade[]>;
}

/** GET /data/order/{id}, plus the fee of its taker fills when the market charges fees. */
export async function readOrder(deps: ReadDeps, orderId: string): Promise<OrderResult> {
  const order = await deps.client.getOrder(orderId);
  if (!order || typeof order !== 'object' || !order.id) throw new OrderNotFoundError(`order ${orderId} is unknown to the CLOB`);
  assertRecordWithinSize(order);
  const result = orderResultOf(order);
  if (result.filledSize === 0n) return result;
  // The record carries no fee: the taker part of its trades, priced with the market's schedule (fees.ts).
  const schedule = await deps.meta.feeSchedule(order.asset_id, order.market);
  if (!chargesFees(schedule)) return result;
  const fills = takerFillsOf(await deps.trades(order.associate_trades ?? []), order.id, order.asset_id);
  return { ...result, fee: takerFee(result.side, fills, schedule) };
}

/**
 * The funder's shares of one outcome token now, from the CLOB's own ledger (GET /balance-allowance,
 * asset_type CONDITIONAL), not from the Data API, which lags and does not see fees withheld in shares.
 * https://docs.polymarket.com/developers/CLOB/balance-allowance
 */
export async function readHolding(client: ClobClient, tokenId: string): Promise<Micros> {
  assertTokenId(tokenId);
  const response = await client.getBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: tokenId });
  const balance = String(response?.balance ?? '');
  if (!/^\d+$/.test(balance)) throw new ExchangeError(`the CLOB answered no share balance for token ${tokenId}`, { info: response });
  return BigInt(balance);
}
