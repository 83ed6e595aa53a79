/**
 * Puts a venue adapter behind smart-account custody: cash-outs leave the ZeroDev Kernel account
 * through a sponsored UserOperation signed by the restricted session key, and the permission report
 * says what that key may and may not do. Everything else is the venue adapter's own. The CLI applies
 * this when the profile has a smart account, so commands and the mirror engine stay venue-agnostic.
 */
import type { Address, Hex } from 'viem';
import type { Balance, CashoutRequest, CashoutResult, PermissionReport } from '../core/types.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import { cashoutViaSmartAccount, fetchSmartAccountBalance, planSmartAccountCashout, toCashoutResult } from './cashout.js';
import { PUSD } from './constants.js';
import { assertCanSignVenueOrder, describeSessionPermissions } from './permissions.js';

export interface SmartAccountCustody {
  smartAccount: Address;
  approval: string;
  /** Loaded only when a cash-out needs it (it may take a password). */
  loadSessionKey: () => Promise<Hex>;
  chainId: number;
  rpcUrl: string;
  bundlerUrl: string;
  paymasterUrl?: string;
  /** The profile's cash-out addresses: narrows the on-chain policy further. */
  destinations: readonly Address[];
  token?: Address;
  fetch?: typeof fetch;
  /** The command's clock (ms); expiry is checked against it. Default: the system clock. */
  now?: () => number;
}

export function withSmartAccountCustody(adapter: IExchangeAdapter, custody: SmartAccountCustody): IExchangeAdapter {
  const token = custody.token ?? PUSD;
  const now = custody.now ?? Date.now;
  const permissions = describeSessionPermissions(custody.approval, undefined, now());
  const smartAccountBalance = () =>
    fetchSmartAccountBalance({ approval: custody.approval, chainId: custody.chainId, rpcUrl: custody.rpcUrl, token, fetch: custody.fetch });

  /** The seed's hybrid: a session key signing venue orders as the smart account. Refused with the alternatives. */
  const refuseHybrid = (report: PermissionReport) => {
    if (report.funder && report.signer && report.funder.toLowerCase() === custody.smartAccount.toLowerCase()) {
      assertCanSignVenueOrder(
        { venue: adapter.exchangeName, maker: report.funder as Address, signer: report.signer as Address, signatureType: 0 },
        custody.smartAccount,
      );
    }
  };

  type Optional = 'fetchOrderBook' | 'fetchPositions' | 'fetchHolding' | 'fetchOpenOrders' | 'fetchOrder' | 'close';
  const optional = (name: Optional): Partial<IExchangeAdapter> => {
    const method = adapter[name] as ((...args: unknown[]) => unknown) | undefined;
    return method ? { [name]: (...args: unknown[]) => method.apply(adapter, args) } : {};
  };
  return {
    exchangeName: adapter.exchangeName,
    has: { ...adapter.has, cashout: true },
    initialize: () => adapter.initialize(),
    authenticate: () => adapter.authenticate(),
    fetchBalance: () => adapter.fetchBalance(),
    getMarketPrice: (market, outcome) => adapter.getMarketPrice(market, outcome),
    createOrder: (params) => adapter.createOrder(params),
    cancelOrder: (request) => adapter.cancelOrder(request),
    ...optional('fetchOrderBook'),
    ...optional('fetchPositions'),
    ...optional('fetchHolding'),
    ...optional('fetchOpenOrders'),
    ...optional('fetchOrder'),
    ...optional('close'),
    async validatePermissions(): Promise<PermissionReport> {
      const venue = await adapter.validatePermissions();
      refuseHybrid(venue);
      const checks = [...venue.checks, ...permissions.report.checks];
      return { ...venue, ok: venue.ok && permissions.report.ok, checks };
    },
    async fetchCashoutBalance(): Promise<Balance> {
      return { cash: await smartAccountBalance(), currency: 'pUSD', account: custody.smartAccount };
    },
    async cashout(request: CashoutRequest): Promise<CashoutResult> {
      const amount = request.amount === 'all' ? await smartAccountBalance() : request.amount;
      const base = {
        approval: custody.approval,
        sessionKey: await custody.loadSessionKey(),
        token,
        destination: request.destination as Address,
        amount,
        allowedDestinations: custody.destinations,
        chainId: custody.chainId,
        nowMs: now(),
      };
      if (request.dryRun) {
        const plan = await planSmartAccountCashout(base);
        return { txHash: '', amount: plan.amount, destination: plan.destination, method: 'user-operation (dry run)', info: plan };
      }
      const result = await cashoutViaSmartAccount({
        ...base,
        rpcUrl: custody.rpcUrl,
        bundlerUrl: custody.bundlerUrl,
        ...(custody.paymasterUrl ? { paymasterUrl: custody.paymasterUrl } : {}),
        ...(custody.fetch ? { fetch: custody.fetch } : {}),
      });
      return toCashoutResult(result);
    },
  };
}
