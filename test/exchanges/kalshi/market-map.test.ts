import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/core/errors.js';
import { mapSignal, parseMarketMap } from '../../../src/exchanges/kalshi/market-map.js';

const TOKEN_YES = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const TOKEN_NO = '52114319501245915516055106046884209969926127482827954674443846427813813222426';
const CONDITION = '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1';
const OTHER_CONDITION = '0x' + 'ab'.repeat(32);

const FILE = JSON.stringify(
  {
    version: 1,
    entries: [
      { tokenId: TOKEN_YES, kalshi: 'KXFEDDECISION-25DEC-H0', outcome: 'yes', note: 'Fed holds' },
      { tokenId: TOKEN_NO, kalshi: 'kxfeddecision-25dec-h0', outcome: 'no', sides: ['buy'] },
      { conditionId: CONDITION.toUpperCase().replace('0X', '0x'), polymarketOutcome: 'Trump', kalshi: 'KXPRES-28-DJT', outcome: 'yes' },
      { conditionId: OTHER_CONDITION, polymarketOutcome: 'Yes', kalshi: 'KXOFF-1', outcome: 'no', enabled: false },
    ],
  },
  null,
  2,
);

function parseError(text: string): BadInputError {
  try {
    parseMarketMap(text);
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return error as BadInputError;
  }
  throw new Error('expected parseMarketMap to throw');
}

describe('parseMarketMap', () => {
  it('reads token and condition entries, normalising tickers and condition ids', () => {
    const map = parseMarketMap(FILE);
    expect(map.entries).toHaveLength(4);
    expect(map.byToken.get(TOKEN_NO)).toMatchObject({ ticker: 'KXFEDDECISION-25DEC-H0', outcome: 'no', sides: ['buy'], enabled: true });
    expect(map.entries[2]).toMatchObject({ conditionId: CONDITION, polymarketOutcome: 'Trump', sides: ['buy', 'sell'] });
    expect(parseMarketMap(JSON.stringify([{ tokenId: '1', kalshi: 'A-1', outcome: 'yes' }])).entries).toHaveLength(1);
  });

  it('names the line and column of a JSON syntax error', () => {
    const error = parseError('{\n  "entries": [\n    { "tokenId": "1", }\n  ]\n}');
    expect(error.message).toMatch(/line 3, column \d+/);
  });

  it.each<[string, unknown, RegExp]>([
    ['bad outcome', { tokenId: '1', kalshi: 'A-1', outcome: 'maybe' }, /entries\[1\] \(tokenId 1\): outcome must be "yes" or "no", got "maybe"/],
    ['missing ticker', { tokenId: '1', outcome: 'yes' }, /entries\[1\].*kalshi must be a Kalshi market ticker/],
    ['no key', { kalshi: 'A-1', outcome: 'yes' }, /entries\[1\] \(kalshi A-1\): needs tokenId/],
    ['both keys', { tokenId: '1', conditionId: CONDITION, kalshi: 'A-1', outcome: 'yes' }, /not both/],
    ['non-decimal token', { tokenId: '0xabc', kalshi: 'A-1', outcome: 'yes' }, /decimal string/],
    ['condition without outcome name', { conditionId: CONDITION, kalshi: 'A-1', outcome: 'yes' }, /needs polymarketOutcome/],
    ['bad condition id', { conditionId: '0x12', polymarketOutcome: 'Yes', kalshi: 'A-1', outcome: 'yes' }, /64 hex/],
    ['unknown field', { tokenId: '1', kalshi: 'A-1', outcome: 'yes', price: 0.5 }, /unknown field "price"/],
    ['bad sides', { tokenId: '1', kalshi: 'A-1', outcome: 'yes', sides: ['hold'] }, /sides must be/],
    ['duplicate token', { tokenId: TOKEN_YES, kalshi: 'A-1', outcome: 'yes' }, /entries\[1\]: tokenId .* is mapped twice/],
  ])('refuses an entry with %s, naming it', (_name, entry, message) => {
    const error = parseError(JSON.stringify({ entries: [{ tokenId: TOKEN_YES, kalshi: 'OK-1', outcome: 'yes' }, entry] }));
    expect(error.message).toMatch(message);
  });

  it('refuses a file without entries or with an unknown version', () => {
    expect(parseError('{"markets": []}').message).toMatch(/must be \{"entries"/);
    expect(parseError('{"version": 2, "entries": []}').message).toMatch(/version 2/);
  });
});

describe('mapSignal', () => {
  const map = parseMarketMap(FILE);

  it('maps a token id to its Kalshi market and outcome, keeping buys and sells', () => {
    expect(mapSignal(map, { tokenId: TOKEN_YES, side: 'buy' })).toEqual({ ticker: 'KXFEDDECISION-25DEC-H0', outcome: 'yes' });
    expect(mapSignal(map, { tokenId: TOKEN_YES, side: 'sell' })).toEqual({ ticker: 'KXFEDDECISION-25DEC-H0', outcome: 'yes' });
    expect(mapSignal(map, { tokenId: TOKEN_NO, side: 'buy' })).toEqual({ ticker: 'KXFEDDECISION-25DEC-H0', outcome: 'no' });
  });

  it('maps by condition id and outcome name, case-insensitively', () => {
    expect(mapSignal(map, { tokenId: '999', conditionId: CONDITION, outcome: 'trump', side: 'buy' })).toEqual({ ticker: 'KXPRES-28-DJT', outcome: 'yes' });
    const other = mapSignal(map, { tokenId: '999', conditionId: CONDITION, outcome: 'Harris', side: 'buy' });
    expect(other).toEqual({ skip: expect.stringMatching(/no Kalshi market mapped for Polymarket token 999 \(market 0x5f65/) });
    const nameless = mapSignal(map, { tokenId: '999', conditionId: CONDITION, side: 'buy' });
    expect(nameless).toEqual({ skip: expect.stringMatching(/does not say which outcome/) });
  });

  it('skips unmapped, disabled and side-restricted signals with the reason', () => {
    expect(mapSignal(map, { tokenId: '123', side: 'buy' })).toEqual({ skip: 'no Kalshi market mapped for Polymarket token 123' });
    expect(mapSignal(map, { tokenId: '5', conditionId: OTHER_CONDITION, outcome: 'Yes', side: 'buy' })).toEqual({
      skip: 'mapping to KXOFF-1 no is disabled in the market map',
    });
    expect(mapSignal(map, { tokenId: TOKEN_NO, side: 'sell' })).toEqual({
      skip: 'mapping to KXFEDDECISION-25DEC-H0 no mirrors only buy trades, this is a sell',
    });
  });
});
