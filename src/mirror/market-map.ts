/**
 * The market map: how a followed Polymarket wallet's trades become orders on another venue.
 *
 * Kalshi and PredictBase publish no per-wallet trade feed, so nobody can be followed there.
 * `betmirror mirror --exchange kalshi|predictbase --follow <polymarket wallet> --market-map <file>` watches
 * the wallet on Polymarket and, for each trade whose Polymarket outcome is in this map, trades the mapped
 * market and outcome with the same side (a Polymarket buy becomes a buy). Trades in unmapped markets are
 * skipped with a reason. One file may hold entries for both venues: each run uses its own venue's.
 *
 * File format (JSON; either this object or a bare array of entries):
 *
 *   {
 *     "version": 1,
 *     "entries": [
 *       { "tokenId": "71321045679252212594626385532706912750332728571942532289631379312455583992563",
 *         "kalshi": "KXFEDDECISION-25DEC-H0", "outcome": "yes", "note": "Fed holds in Dec" },
 *       { "conditionId": "0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1",
 *         "polymarketOutcome": "No", "kalshi": "KXFEDDECISION-25DEC-H0", "outcome": "no" },
 *       { "tokenId": "7132...2563", "predictbase": "10744", "option": "Yes" },
 *       { "tokenId": "...", "kalshi": "...", "outcome": "no", "sides": ["buy"], "enabled": false }
 *     ]
 *   }
 *
 * Each entry names one Polymarket outcome and the instrument it equals on one venue:
 * - `tokenId` (the Polymarket outcome token id, decimal), or `conditionId` (0x + 64 hex) together with
 *   `polymarketOutcome` (the outcome's name as Polymarket shows it, e.g. "Yes", "No", "Trump"; matched
 *   case-insensitively). A tokenId entry wins over a conditionId entry for the same trade.
 * - Kalshi: `kalshi` (the market ticker) and `outcome` ("yes" or "no", the Kalshi outcome that pays when
 *   the Polymarket outcome wins: map a Polymarket "Yes" to Kalshi "no" when the questions are opposites).
 * - PredictBase: `predictbase` (the market id, the number in predictbase.app/market/<id>) and `option`
 *   (the option's index, e.g. 0, or its title, e.g. "Yes", that pays when the Polymarket outcome wins).
 * - optional `sides`: ["buy"] or ["sell"] to mirror only entries or only exits; optional `enabled: false`
 *   keeps an entry in the file without trading it; optional `note` is free text.
 * Check that both venues resolve on the same event and date: betmirror cannot verify the equivalence.
 */
import { BadInputError } from '../core/errors.js';
import type { Outcome, Side } from '../core/types.js';
import { TICKER } from '../exchanges/kalshi/ids.js';
import type { MappedMarket } from './types.js';

export type MapVenue = 'kalshi' | 'predictbase';
const VENUE_TITLES: Record<MapVenue, string> = { kalshi: 'Kalshi', predictbase: 'PredictBase' };

export interface MarketMapEntry {
  venue: MapVenue;
  tokenId?: string;
  conditionId?: string;
  polymarketOutcome?: string;
  /** The instrument to trade: a Kalshi ticker, or a PredictBase `<market id>:<option>` (exchanges/predictbase/ids.ts). */
  market: string;
  /** Kalshi only: the market ticker and the outcome. */
  ticker?: string;
  outcome?: Outcome;
  sides: readonly Side[];
  enabled: boolean;
  note?: string;
}

export interface VenueIndex {
  byToken: ReadonlyMap<string, MarketMapEntry>;
  /** Key: `${conditionId lower-case}|${outcome name lower-case}`. */
  byCondition: ReadonlyMap<string, MarketMapEntry>;
}

export interface MarketMap extends VenueIndex {
  entries: readonly MarketMapEntry[];
  /** Each venue's entries. The top-level byToken/byCondition are Kalshi's (the format's first venue). */
  venues: ReadonlyMap<MapVenue, VenueIndex>;
}

export interface SignalToMap {
  tokenId: string;
  conditionId?: string;
  /** The Polymarket outcome's name ("Yes", "No", ...), needed only for conditionId entries. */
  outcome?: string;
  side: Side;
}

const KNOWN_FIELDS = new Set(['tokenId', 'conditionId', 'polymarketOutcome', 'kalshi', 'outcome', 'predictbase', 'option', 'sides', 'enabled', 'note']);
const TOKEN_ID = /^\d{1,78}$/;
const CONDITION_ID = /^0x[0-9a-fA-F]{64}$/;
const PREDICTBASE_MARKET = /^\d{1,20}$/;

export function parseMarketMap(jsonText: string): MarketMap {
  let root: unknown;
  try {
    root = JSON.parse(jsonText);
  } catch (error) {
    throw new BadInputError(`market map is not valid JSON: ${locate(jsonText, (error as Error).message)}`);
  }
  const list = Array.isArray(root) ? root : (root as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(list)) {
    throw new BadInputError('market map must be {"entries": [...]} or an array of entries', {
      hint: 'see the format in the README (Mirroring onto Kalshi or PredictBase)',
    });
  }
  if (!Array.isArray(root)) {
    const version = (root as { version?: unknown }).version;
    if (version !== undefined && version !== 1) throw new BadInputError(`market map version ${String(version)} is not supported (expected 1)`);
  }

  const entries: MarketMapEntry[] = [];
  const venues = new Map<MapVenue, { byToken: Map<string, MarketMapEntry>; byCondition: Map<string, MarketMapEntry> }>(
    (['kalshi', 'predictbase'] as const).map((venue) => [venue, { byToken: new Map(), byCondition: new Map() }]),
  );
  list.forEach((raw, index) => {
    const entry = parseEntry(raw, index);
    const where = `market map entries[${index}]`;
    const { byToken, byCondition } = venues.get(entry.venue)!;
    if (entry.tokenId !== undefined) {
      if (byToken.has(entry.tokenId)) throw new BadInputError(`${where}: tokenId ${entry.tokenId} is mapped twice`);
      byToken.set(entry.tokenId, entry);
    } else {
      const key = conditionKey(entry.conditionId as string, entry.polymarketOutcome as string);
      if (byCondition.has(key)) {
        throw new BadInputError(`${where}: conditionId ${entry.conditionId} outcome "${entry.polymarketOutcome}" is mapped twice`);
      }
      byCondition.set(key, entry);
    }
    entries.push(entry);
  });
  const kalshi = venues.get('kalshi')!;
  return { entries, venues, byToken: kalshi.byToken, byCondition: kalshi.byCondition };
}

function parseEntry(raw: unknown, index: number): MarketMapEntry {
  const where = `market map entries[${index}]`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new BadInputError(`${where}: must be an object`);
  const e = raw as Record<string, unknown>;
  const label =
    typeof e.tokenId === 'string' ? ` (tokenId ${e.tokenId})` : typeof e.kalshi === 'string' ? ` (kalshi ${e.kalshi})` : typeof e.predictbase === 'string' ? ` (predictbase ${e.predictbase})` : '';
  const fail = (message: string): never => {
    throw new BadInputError(`${where}${label}: ${message}`);
  };
  for (const key of Object.keys(e)) if (!KNOWN_FIELDS.has(key)) fail(`unknown field "${key}"`);

  if (e.tokenId !== undefined && e.conditionId !== undefined) fail('give tokenId or conditionId, not both');
  if (e.tokenId === undefined && e.conditionId === undefined) fail('needs tokenId, or conditionId with polymarketOutcome');
  if (e.tokenId !== undefined && (typeof e.tokenId !== 'string' || !TOKEN_ID.test(e.tokenId))) {
    fail('tokenId must be the Polymarket token id as a decimal string');
  }
  if (e.conditionId !== undefined) {
    if (typeof e.conditionId !== 'string' || !CONDITION_ID.test(e.conditionId)) fail('conditionId must be 0x followed by 64 hex digits');
    if (typeof e.polymarketOutcome !== 'string' || !e.polymarketOutcome.trim()) {
      fail('a conditionId entry needs polymarketOutcome (e.g. "Yes")');
    }
  } else if (e.polymarketOutcome !== undefined) {
    fail('polymarketOutcome goes with conditionId; a tokenId already names one outcome');
  }
  let sides: Side[] = ['buy', 'sell'];
  if (e.sides !== undefined) {
    if (!Array.isArray(e.sides) || e.sides.length === 0 || !e.sides.every((s) => s === 'buy' || s === 'sell')) {
      fail('sides must be a non-empty array of "buy" and/or "sell"');
    }
    sides = [...new Set(e.sides as Side[])];
  }
  if (e.enabled !== undefined && typeof e.enabled !== 'boolean') fail('enabled must be true or false');
  if (e.note !== undefined && typeof e.note !== 'string') fail('note must be a string');
  const common = {
    tokenId: e.tokenId as string | undefined,
    conditionId: (e.conditionId as string | undefined)?.toLowerCase(),
    polymarketOutcome: (e.polymarketOutcome as string | undefined)?.trim(),
    sides,
    enabled: e.enabled !== false,
    note: e.note as string | undefined,
  };

  if (e.predictbase !== undefined) {
    if (e.kalshi !== undefined) fail('give kalshi or predictbase, not both (one entry per venue)');
    if (typeof e.predictbase !== 'string' || !PREDICTBASE_MARKET.test(e.predictbase)) fail('predictbase must be a PredictBase market id, e.g. "10744"');
    if (e.outcome !== undefined) fail('a predictbase entry names its option with "option" (index or title), not "outcome"');
    const option = e.option;
    const validOption = (typeof option === 'number' && Number.isInteger(option) && option >= 0 && option < 1000) || (typeof option === 'string' && option.trim() !== '');
    if (!validOption) fail('option must be the PredictBase option index (0, 1, ...) or its title (e.g. "Yes")');
    return { ...common, venue: 'predictbase', market: `${e.predictbase as string}:${String(option).trim()}` };
  }
  if (e.option !== undefined) fail('option goes with predictbase');
  if (typeof e.kalshi !== 'string' || !TICKER.test(e.kalshi)) fail('kalshi must be a Kalshi market ticker, e.g. "KXHIGHNY-24JAN01-T60" (or predictbase: a PredictBase market id)');
  if (e.outcome !== 'yes' && e.outcome !== 'no') fail(`outcome must be "yes" or "no", got ${JSON.stringify(e.outcome)}`);
  // Kalshi tickers are upper-case; a lower-case one in a hand-written file means the same market.
  const ticker = (e.kalshi as string).toUpperCase();
  return { ...common, venue: 'kalshi', market: ticker, ticker, outcome: e.outcome as Outcome };
}

/** Turns a followed wallet's Polymarket trade into the instrument to trade on `venue`, or a reason to skip. */
export function mapFill(map: MarketMap, signal: SignalToMap, venue: MapVenue): MappedMarket | { skip: string } {
  const index = map.venues.get(venue)!;
  let entry = index.byToken.get(signal.tokenId);
  const conditionId = signal.conditionId?.toLowerCase();
  if (!entry && conditionId) {
    if (signal.outcome) entry = index.byCondition.get(conditionKey(conditionId, signal.outcome));
    else if ([...index.byCondition.values()].some((e) => e.conditionId === conditionId)) {
      return { skip: `market ${signal.conditionId} is mapped by outcome name, but the trade does not say which outcome` };
    }
  }
  if (!entry) {
    return {
      skip: `no ${VENUE_TITLES[venue]} market mapped for Polymarket token ${signal.tokenId}${signal.conditionId ? ` (market ${signal.conditionId})` : ''}`,
    };
  }
  const name = entry.venue === 'kalshi' ? `${entry.market} ${entry.outcome}` : `PredictBase ${entry.market}`;
  if (!entry.enabled) return { skip: `mapping to ${name} is disabled in the market map` };
  if (!entry.sides.includes(signal.side)) return { skip: `mapping to ${name} mirrors only ${entry.sides.join('/')} trades, this is a ${signal.side}` };
  return { market: entry.market, ...(entry.outcome ? { outcome: entry.outcome } : {}) };
}

/** Kalshi's view (unchanged since the map was Kalshi-only): the ticker and outcome to trade, or a reason to skip. */
export function mapSignal(map: MarketMap, signal: SignalToMap): { ticker: string; outcome: Outcome } | { skip: string } {
  const mapped = mapFill(map, signal, 'kalshi');
  return 'skip' in mapped ? mapped : { ticker: mapped.market, outcome: mapped.outcome as Outcome };
}

function conditionKey(conditionId: string, outcome: string): string {
  return `${conditionId.toLowerCase()}|${outcome.trim().toLowerCase()}`;
}

/** Adds "line L, column C" to JSON.parse's "at position N" message. */
function locate(text: string, message: string): string {
  const match = /position (\d+)/.exec(message);
  if (!match) return message;
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}
