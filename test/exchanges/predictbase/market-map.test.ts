/** PredictBase entries in the market map: parsed per venue, mapped to `<market id>:<option>`, refused when malformed. */
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/core/errors.js';
import { mapFill, mapSignal, parseMarketMap } from '../../../src/mirror/market-map.js';

const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const CONDITION = '0x' + 'cd'.repeat(32);

const map = parseMarketMap(
  JSON.stringify({
    version: 1,
    entries: [
      { tokenId: TOKEN, kalshi: 'KXFED-25DEC-H0', outcome: 'yes' },
      { tokenId: TOKEN, predictbase: '10744', option: 'Yes' },
      { conditionId: CONDITION, polymarketOutcome: 'Reds', predictbase: '10002', option: 0, sides: ['buy'] },
      { tokenId: '42', predictbase: '10003', option: 1, enabled: false },
    ],
  }),
);

describe('market map: PredictBase entries', () => {
  it('one file maps the same token for each venue; each run reads its own', () => {
    expect(mapFill(map, { tokenId: TOKEN, side: 'buy' }, 'predictbase')).toEqual({ market: '10744:Yes' });
    expect(mapFill(map, { tokenId: TOKEN, side: 'buy' }, 'kalshi')).toEqual({ market: 'KXFED-25DEC-H0', outcome: 'yes' });
    expect(mapSignal(map, { tokenId: TOKEN, side: 'sell' })).toEqual({ ticker: 'KXFED-25DEC-H0', outcome: 'yes' });
  });

  it('maps by condition and outcome name, honours sides and enabled, and names the venue when unmapped', () => {
    expect(mapFill(map, { tokenId: '7', conditionId: CONDITION, outcome: 'reds', side: 'buy' }, 'predictbase')).toEqual({ market: '10002:0' });
    expect(mapFill(map, { tokenId: '7', conditionId: CONDITION, outcome: 'Reds', side: 'sell' }, 'predictbase')).toEqual({
      skip: 'mapping to PredictBase 10002:0 mirrors only buy trades, this is a sell',
    });
    expect(mapFill(map, { tokenId: '42', side: 'buy' }, 'predictbase')).toEqual({ skip: 'mapping to PredictBase 10003:1 is disabled in the market map' });
    expect(mapFill(map, { tokenId: '9', side: 'buy' }, 'predictbase')).toEqual({ skip: 'no PredictBase market mapped for Polymarket token 9' });
    expect(mapFill(map, { tokenId: '42', side: 'buy' }, 'kalshi')).toEqual({ skip: 'no Kalshi market mapped for Polymarket token 42' });
  });

  it.each<[string, unknown, RegExp]>([
    ['both venues', { tokenId: '1', kalshi: 'A-1', outcome: 'yes', predictbase: '1', option: 0 }, /give kalshi or predictbase, not both/],
    ['a ticker as market id', { tokenId: '1', predictbase: 'KX-1', option: 0 }, /predictbase must be a PredictBase market id/],
    ['no option', { tokenId: '1', predictbase: '10744' }, /option must be the PredictBase option index/],
    ['a negative option', { tokenId: '1', predictbase: '10744', option: -1 }, /option must be the PredictBase option index/],
    ['outcome instead of option', { tokenId: '1', predictbase: '10744', outcome: 'yes', option: 0 }, /names its option with "option"/],
    ['option on a Kalshi entry', { tokenId: '1', kalshi: 'A-1', outcome: 'yes', option: 0 }, /option goes with predictbase/],
    ['the same token twice for PredictBase', { tokenId: TOKEN, predictbase: '1', option: 0 }, /entries\[1\]: tokenId .* is mapped twice/],
  ])('refuses %s', (_name, entry, message) => {
    let error: unknown;
    try {
      parseMarketMap(JSON.stringify([{ tokenId: TOKEN, predictbase: '10744', option: 'Yes' }, entry]));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(message);
  });
});
