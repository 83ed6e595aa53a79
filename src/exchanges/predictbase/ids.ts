/**
 * How betmirror names a PredictBase instrument: one option of one market, `<marketId>:<option>`, where
 * option is the option's index (0, 1, ...) or its title as the market lists it ("Yes", "Trump"; matched
 * case-insensitively against `optionTitles`). Like a Polymarket token id, one string names what is
 * traded, so the mirror's books, the market map and every adapter method key on it unchanged.
 * The market id is the number in predictbase.app/market/<id> (read-markets page).
 */
import { BadInputError } from '../../core/errors.js';

const MARKET_ID = /^\d{1,20}$/;
const MAX_OPTION = 200;

export interface Instrument {
  marketId: string;
  /** Index when given as digits, otherwise the title to look up. */
  option: { index: number } | { title: string };
}

const shown = (value: unknown) => JSON.stringify(typeof value === 'string' && value.length > 80 ? `${value.slice(0, 80)}...` : value);

export function assertMarketId(id: unknown): asserts id is string {
  if (typeof id === 'string' && MARKET_ID.test(id)) return;
  throw new BadInputError(`market ${shown(id)} is not a PredictBase market id (the number in predictbase.app/market/<id>)`, {
    hint: 'e.g. --market 10744 --outcome Yes',
  });
}

/** `--market <id> --outcome <option>` as one instrument string (the venue definition's instrumentOf). */
export function instrumentOf(market: string, outcome: string): string {
  assertMarketId(market);
  if (!outcome.trim()) throw new BadInputError('--outcome is empty: give the option title or its index, e.g. --outcome Yes or --outcome 0');
  return `${market}:${outcome.trim()}`;
}

export function parseInstrument(value: unknown): Instrument {
  const text = typeof value === 'string' ? value : '';
  const at = text.indexOf(':');
  const marketId = at === -1 ? text : text.slice(0, at);
  const option = at === -1 ? '' : text.slice(at + 1).trim();
  if (!MARKET_ID.test(marketId) || !option || option.length > MAX_OPTION) {
    throw new BadInputError(`${shown(value)} does not name a PredictBase option: use <market id>:<option index or title>`, {
      hint: 'e.g. --market 10744 --outcome Yes (or --outcome 0)',
    });
  }
  return { marketId, option: /^\d{1,3}$/.test(option) ? { index: Number(option) } : { title: option } };
}

/** PredictBase's order ids: ASSUMPTION (no example): an opaque token of letters, digits, '_' and '-'. */
const ORDER_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function assertOrderId(orderId: unknown): asserts orderId is string {
  if (typeof orderId === 'string' && ORDER_ID.test(orderId)) return;
  throw new BadInputError(`order id ${shown(orderId)} is not a PredictBase order id (letters, digits, '_' and '-')`, {
    hint: 'use the orderId an order command printed, or `betmirror cancel --exchange predictbase --all`',
  });
}

export function assertAddress(flag: string, address: unknown): asserts address is string {
  if (typeof address === 'string' && /^0x[0-9a-fA-F]{40}$/.test(address)) return;
  throw new BadInputError(`${flag} ${shown(address)} is not an address (0x followed by 40 hex digits)`);
}
