/** An in-memory venue for the memory and throughput benchmarks: fills every order at its cap, instantly. */
import type { OrderParams, OrderResult } from '../src/core/types.js';
import type { IExchangeAdapter } from '../src/exchanges/adapter.js';

export function instantVenue(cash: bigint): IExchangeAdapter {
  let n = 0;
  return {
    exchangeName: 'bench',
    has: { cashout: false, orderBook: false, positions: false, openOrders: false, fetchOrder: false, marketableOrders: true, expiringOrders: false },
    initialize: async () => undefined,
    validatePermissions: async () => ({ ok: true, checks: [] }),
    authenticate: async () => ({ account: 'bench' }),
    fetchBalance: async () => ({ cash, currency: 'USD' }),
    getMarketPrice: async (market) => ({ market }),
    cancelOrder: async () => ({ cancelled: [], notCancelled: {} }),
    cashout: async () => {
      throw new Error('not in the bench');
    },
    createOrder: async (params: OrderParams): Promise<OrderResult> => ({
      exchange: 'bench',
      orderId: `o${++n}`,
      status: 'filled',
      market: params.market,
      side: params.side,
      type: params.type,
      size: params.size,
      price: params.price,
      filledSize: params.size,
      filledValue: (params.size * params.price) / 1_000_000n,
    }),
  };
}
