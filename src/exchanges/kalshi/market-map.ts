/**
 * The market map: how a followed Polymarket wallet's trades become Kalshi orders.
 *
 * Kalshi trades are anonymous, so nobody can be followed on Kalshi itself. `betmirror mirror --exchange
 * kalshi --follow <polymarket wallet> --market-map <file>` watches the wallet on Polymarket and, for each
 * trade whose Polymarket outcome is in this map, trades the mapped Kalshi market and outcome with the same
 * side (a Polymarket buy becomes a Kalshi buy). Trades in unmapped markets are skipped with a reason.
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
 *       { "tokenId": "...", "kalshi": "...", "outcome": "no", "sides": ["buy"], "enabled": false }
 *     ]
 *   }
 *
 * Each entry names one Polymarket outcome and the Kalshi side it equals:
 * - `tokenId` (the Polymarket outcome token id, decimal), or `conditionId` (0x + 64 hex) together with
 *   `polymarketOutcome` (the outcome's name as Polymarket shows it, e.g. "Yes", "No", "Trump"; matched
 *   case-insensitively). A tokenId entry wins over a conditionId entry for the same trade.
 * - `kalshi`: the Kalshi market ticker; `outcome`: "yes" or "no", the Kalshi outcome that pays when the
 *   Polymarket outcome wins (map a Polymarket "Yes" to Kalshi "no" when the questions are opposites).
 * - optional `sides`: ["buy"] or ["sell"] to mirror only entries or only exits; optional `enabled: false`
 *   keeps an entry in the file without trading it; optional `note` is free text.
 * Check that both venues resolve on the same event and date: betmirror cannot verify the equivalence.
 */
import { BadInputError } from '../../core/errors.js';
import type { Outcome, Side } from '../../core/types.js';
import { TICKER } from './ids.js';

export interface MarketMapEntry {
  tokenId?: string;
  conditionId?: string;
  polymarketOutcome?: string;
  ticker: string;
  outcome: Outcome;
  sides: readonly Side[];
  enabled: boolean;
  note?: string;
}

export interface MarketMap {
  entries: readonly MarketMapEntry[];
  byToken: ReadonlyMap<string, MarketMapEntry>;
  /** Key: `${conditionId lower-case}|${outcome name lower-case}`. */
  byCondition: ReadonlyMap<string, MarketMapEntry>;
}

export interface SignalToMap {
  tokenId: string;
  conditionId?: string;
  /** The Polymarket outcome's name ("Yes", "No", ...), needed only for conditionId entries. */
  outcome?: string;
  side: Side;
}

export type MappedSignal = { ticker: string; outcome: Outcome } | { skip: string };

const KNOWN_FIELDS = new Set(['tokenId', 'conditionId', 'polymarketOutcome', 'kalshi', 'outcome', 'sides', 'enabled', 'note']);
const TOKEN_ID = /^\d{1,78}$/;
const CONDITION_ID = /^0x[0-9a-fA-F]{64}$/;

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
      hint: 'see the format in the README (Mirroring onto Kalshi)',
    });
  }
  if (!Array.isArray(root)) {
    const version = (root as { version?: unknown }).version;
    if (version !== undefined && version !== 1) throw new BadInputError(`market map version ${String(version)} is not supported (expected 1)`);
  }

  const entries: MarketMapEntry[] = [];
  const byToken = new Map<string, MarketMapEntry>();
  const byCondition = new Map<string, MarketMapEntry>();
  list.forEach((raw, index) => {
    const entry = parseEntry(raw, index);
    const where = `market map entries[${index}]`;
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
  return { entries, byToken, byCondition };
}

function parseEntry(raw: unknown, index: number): MarketMapEntry {
  const where = `market map entries[${index}]`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new BadInputError(`${where}: must be an object`);
  const e = raw as Record<string, unknown>;
  const label = typeof e.tokenId === 'string' ? ` (tokenId ${e.tokenId})` : typeof e.kalshi === 'string' ? ` (kalshi ${e.kalshi})` : '';
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
  if (typeof e.kalshi !== 'string' || !TICKER.test(e.kalshi)) fail('kalshi must be a Kalshi market ticker, e.g. "KXHIGHNY-24JAN01-T60"');
  if (e.outcome !== 'yes' && e.outcome !== 'no') fail(`outcome must be "yes" or "no", got ${JSON.stringify(e.outcome)}`);
  let sides: Side[] = ['buy', 'sell'];
  if (e.sides !== undefined) {
    if (!Array.isArray(e.sides) || e.sides.length === 0 || !e.sides.every((s) => s === 'buy' || s === 'sell')) {
      fail('sides must be a non-empty array of "buy" and/or "sell"');
    }
    sides = [...new Set(e.sides as Side[])];
  }
  if (e.enabled !== undefined && typeof e.enabled !== 'boolean') fail('enabled must be true or false');
  if (e.note !== undefined && typeof e.note !== 'string') fail('note must be a string');

  return {
    tokenId: e.tokenId as string | undefined,
    conditionId: (e.conditionId as string | undefined)?.toLowerCase(),
    polymarketOutcome: (e.polymarketOutcome as string | undefined)?.trim(),
    // Kalshi tickers are upper-case; a lower-case one in a hand-written file means the same market.
    ticker: (e.kalshi as string).toUpperCase(),
    outcome: e.outcome as Outcome,
    sides,
    enabled: e.enabled !== false,
    note: e.note as string | undefined,
  };
}

/** Turns a followed wallet's Polymarket trade into the Kalshi market and outcome to trade, or a reason to skip. */
export function mapSignal(map: MarketMap, signal: SignalToMap): MappedSignal {
  let entry = map.byToken.get(signal.tokenId);
  const conditionId = signal.conditionId?.toLowerCase();
  if (!entry && conditionId) {
    if (signal.outcome) entry = map.byCondition.get(conditionKey(conditionId, signal.outcome));
    else if ([...map.byCondition.values()].some((e) => e.conditionId === conditionId)) {
      return { skip: `market ${signal.conditionId} is mapped by outcome name, but the trade does not say which outcome` };
    }
  }
  if (!entry) {
    return {
      skip: `no Kalshi market mapped for Polymarket token ${signal.tokenId}${signal.conditionId ? ` (market ${signal.conditionId})` : ''}`,
    };
  }
  const name = `${entry.ticker} ${entry.outcome}`;
  if (!entry.enabled) return { skip: `mapping to ${name} is disabled in the market map` };
  if (!entry.sides.includes(signal.side)) return { skip: `mapping to ${name} mirrors only ${entry.sides.join('/')} trades, this is a ${signal.side}` };
  return { ticker: entry.ticker, outcome: entry.outcome };
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
