/**
 * Cashout for every funding mode on a real local chain: EOA mode sends a signed pUSD transfer to the RPC;
 * proxy / Safe / deposit-wallet modes hand a signed payload to the relayer stand-in, which verifies it
 * (signer recovery, funder, target = pUSD, calldata = transfer(destination, amount)) and executes it.
 */
import { systemClock } from '../../../src/core/runtime.js';
import { buildHmacSignature } from '@polymarket/builder-signing-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, InsufficientFundsError, NetworkError, OutcomeUnknownError } from '../../../src/core/errors.js';
import { derivedFunder } from '../../../src/exchanges/polymarket/funding.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { startRelayerStandIn, type RelayerStandIn } from '../../doubles/relayer/index.js';
import { startAnvil, type LocalChain } from '../../support/chain.js';
import { adapterFor, newKey } from './helpers.js';

let chain: LocalChain;
let relayer: RelayerStandIn;
// The CLOB tells which collateral resting buy orders hold back (a cashout leaves it in place).
let clob: PolymarketSandbox;

beforeAll(async () => {
  chain = await startAnvil();
  await chain.installCollateral();
  relayer = await startRelayerStandIn({ rpcUrl: chain.rpcUrl });
  clob = await startPolymarketSandbox({ liquidity: false });
});

afterAll(async () => {
  await clob?.close();
  await relayer?.close();
  await chain?.close();
});

function adapter(key: `0x${string}`, signatureType: string, extra: Record<string, string> = {}, fetchFn?: typeof fetch) {
  return adapterFor(
    { rpcUrl: chain.rpcUrl, relayerUrl: relayer.url, clobUrl: clob.clobUrl, chainId: '137', signatureType, ...extra },
    { privateKey: key },
    { fetch: fetchFn },
  );
}

describe('cashout, EOA mode (type 0)', () => {
  it('transfers the requested amount from the key to the destination on chain', async () => {
    const { key, address } = newKey();
    const destination = newKey().address;
    await chain.setEthBalance(address, 10n ** 18n);
    await chain.mintCollateral(address, 50_000_000n);
    const result = await adapter(key, 'eoa').cashout({ amount: 12_500_000n, destination });
    expect(result).toMatchObject({ amount: 12_500_000n, destination, method: 'eoa-transfer' });
    expect(result.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await chain.collateralBalance(destination)).toBe(12_500_000n);
    expect(await chain.collateralBalance(address)).toBe(37_500_000n);
  });

  it('over a websocket POLYGON_RPC_URL too (the one the on-chain trade source prefers), closing it after', async () => {
    const { key, address } = newKey();
    const destination = newKey().address;
    await chain.setEthBalance(address, 10n ** 18n);
    await chain.mintCollateral(address, 20_000_000n);
    const result = await adapter(key, 'eoa', { rpcUrl: chain.rpcUrl.replace(/^http/, 'ws') }).cashout({ amount: 7_250_000n, destination });
    expect(result).toMatchObject({ amount: 7_250_000n, destination, method: 'eoa-transfer' });
    expect(await chain.collateralBalance(destination)).toBe(7_250_000n);
    expect(await chain.collateralBalance(address)).toBe(12_750_000n);
  });

  it("'all' empties the funder", async () => {
    const { key, address } = newKey();
    const destination = newKey().address;
    await chain.setEthBalance(address, 10n ** 18n);
    await chain.mintCollateral(address, 7_000_000n);
    const result = await adapter(key, '0').cashout({ amount: 'all', destination });
    expect(result.amount).toBe(7_000_000n);
    expect(await chain.collateralBalance(destination)).toBe(7_000_000n);
    expect(await chain.collateralBalance(address)).toBe(0n);
  });

  it('refuses more than the funder holds, before sending anything', async () => {
    const { key, address } = newKey();
    await chain.mintCollateral(address, 1_000_000n);
    await expect(adapter(key, 'eoa').cashout({ amount: 2_000_000n, destination: newKey().address })).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await chain.collateralBalance(address)).toBe(1_000_000n);
  });

  it('a key without POL for gas gets InsufficientFundsError naming the gas', async () => {
    const { key, address } = newKey();
    await chain.mintCollateral(address, 1_000_000n);
    const error = (await adapter(key, 'eoa').cashout({ amount: 1_000_000n, destination: newKey().address }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(error.message).toMatch(/no POL to pay the transfer's gas/);
  });

  it('refuses a destination that is not an address', async () => {
    const { key } = newKey();
    await expect(adapter(key, 'eoa').cashout({ amount: 1n, destination: 'bob' })).rejects.toBeInstanceOf(BadInputError);
  });

  it('dry run signs nothing on chain and moves nothing', async () => {
    const { key, address } = newKey();
    const destination = newKey().address;
    await chain.mintCollateral(address, 3_000_000n);
    const result = await adapter(key, 'eoa').cashout({ amount: 1_000_000n, destination, dryRun: true });
    expect(result.txHash).toBe('');
    expect(await chain.collateralBalance(destination)).toBe(0n);
  });
});

describe('cashout through the relayer (types 1, 2, 3)', () => {
  it.each([
    ['proxy', 1, 'PROXY'],
    ['safe', 2, 'SAFE'],
  ] as const)('%s: signed payload verified by the relayer, funds leave the derived funder', async (mode, type, relayerType) => {
    const { key, address } = newKey();
    const funder = derivedFunder(type, address, 137)!;
    const destination = newKey().address;
    await chain.mintCollateral(funder, 20_000_000n);
    const before = relayer.submissions.length;
    const result = await adapter(key, mode).cashout({ amount: 5_000_000n, destination });
    expect(result.method).toBe('relayer');
    const submission = relayer.submissions[before]!;
    expect(submission).toMatchObject({ type: relayerType, signer: address, funder, destination, amount: 5_000_000n });
    expect(result.txHash).toBe(submission.transactionHash);
    expect(await chain.collateralBalance(destination)).toBe(5_000_000n);
    expect(await chain.collateralBalance(funder)).toBe(15_000_000n);
  });

  it('builder credentials sign the /submit request (POLY_BUILDER_* headers, HMAC over the exact body)', async () => {
    const { key, address } = newKey();
    const funder = derivedFunder(2, address, 137)!;
    await chain.mintCollateral(funder, 1_000_000n);
    const builder = { builderApiKey: 'builder-key', builderApiSecret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', builderApiPassphrase: 'builder-pass' };
    // The header timestamp comes from the injected clock, not the machine's.
    const clock = { now: () => Date.now() - 3_600_000, sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)), after: systemClock.after };
    const adapter = adapterFor({ rpcUrl: chain.rpcUrl, relayerUrl: relayer.url, clobUrl: clob.clobUrl, signatureType: 'safe' }, { privateKey: key, ...builder }, { clock });
    await adapter.cashout({ amount: 1_000_000n, destination: newKey().address });
    const submit = relayer.requests.filter((r) => r.path === '/submit').at(-1)!;
    const body = JSON.stringify(relayer.submissions.at(-1)!.body);
    expect(submit.headers['poly_builder_api_key']).toBe('builder-key');
    expect(submit.headers['poly_builder_passphrase']).toBe('builder-pass');
    const ts = Number(submit.headers['poly_builder_timestamp']);
    expect(Math.abs(ts - Math.floor(clock.now() / 1000))).toBeLessThanOrEqual(5);
    expect(submit.headers['poly_builder_signature']).toBe(buildHmacSignature(builder.builderApiSecret, ts, 'POST', '/submit', body));
  });

  it('deposit wallet signed by its owner', async () => {
    const { key, address } = newKey();
    const wallet = derivedFunder(3, address, 137)!;
    relayer.registerDepositWallet(wallet, address);
    const destination = newKey().address;
    await chain.mintCollateral(wallet, 9_000_000n);
    const result = await adapter(key, 'deposit-wallet').cashout({ amount: 'all', destination });
    expect(relayer.submissions.at(-1)).toMatchObject({ type: 'WALLET', signer: address, funder: wallet, amount: 9_000_000n });
    expect(result.amount).toBe(9_000_000n);
    expect(await chain.collateralBalance(destination)).toBe(9_000_000n);
  });

  it('deposit wallet signed by an approved session signer', async () => {
    const owner = newKey();
    const session = newKey();
    const wallet = derivedFunder(3, owner.address, 137)!;
    relayer.registerDepositWallet(wallet, owner.address, [session.address]);
    const destination = newKey().address;
    await chain.mintCollateral(wallet, 4_000_000n);
    await adapter(session.key, 'deposit-wallet', { depositWalletOwner: owner.address }).cashout({ amount: 4_000_000n, destination });
    expect(relayer.submissions.at(-1)).toMatchObject({ type: 'WALLET', signer: session.address, funder: wallet });
    expect(await chain.collateralBalance(destination)).toBe(4_000_000n);
  });

  it('the stand-in refuses a payload signed by someone else (a tampered signer)', async () => {
    const owner = newKey();
    const stranger = newKey();
    const wallet = derivedFunder(3, owner.address, 137)!;
    relayer.registerDepositWallet(wallet, owner.address);
    await chain.mintCollateral(wallet, 2_000_000n);
    // The stranger claims the owner's wallet as session signer although the wallet never approved it.
    const error = await adapter(stranger.key, 'deposit-wallet', { depositWalletOwner: owner.address })
      .cashout({ amount: 1_000_000n, destination: newKey().address })
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(relayer.rejections.at(-1)?.reason).toMatch(/neither the owner nor an approved session signer/);
    expect(await chain.collateralBalance(wallet)).toBe(2_000_000n);
  });
});

describe('cashout leaves the collateral of resting buy orders in place', () => {
  it("'all' sends the held pUSD minus what resting buys reserve, and an amount over the free part is refused", async () => {
    const { key, address } = newKey();
    const destination = newKey().address;
    await chain.setEthBalance(address, 10n ** 18n);
    await chain.mintCollateral(address, 20_000_000n);
    clob.fund(address, 20_000_000n);
    const venue = adapter(key, 'eoa');
    const token = clob.markets[0]!.tokens[0].tokenId;
    await venue.createOrder({ market: token, side: 'buy', size: 10_000_000n, price: 300_000n, type: 'GTC' });
    await venue.createOrder({ market: token, side: 'buy', size: 5_000_000n, price: 200_000n, type: 'GTC' });
    expect(clob.reservedOf(address)).toBe(4_000_000n);

    const over = (await venue.cashout({ amount: 17_000_000n, destination }).catch((e: unknown) => e)) as InsufficientFundsError;
    expect(over).toBeInstanceOf(InsufficientFundsError);
    expect(over.message).toContain('$4 is reserved by resting buy orders');
    expect(over.hint).toContain('betmirror cancel --all');

    const result = await venue.cashout({ amount: 'all', destination });
    expect(result.amount).toBe(20_000_000n - clob.reservedOf(address));
    expect(await chain.collateralBalance(address)).toBe(4_000_000n);
  });
});

/** A fetch that lets `match`ing requests reach the server, then loses the answer (the socket closed on us). */
function answerLost(match: (url: string, body: string) => boolean): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    const response = await fetch(input, init);
    if (!match(url, String(init?.body ?? ''))) return response;
    await response.text();
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
  }) as typeof fetch;
}

describe('a cashout whose request was sent but whose answer was lost', () => {
  it('EOA: OutcomeUnknownError naming the transaction hash, which was in fact mined', async () => {
    const { key, address } = newKey();
    const destination = newKey().address;
    await chain.setEthBalance(address, 10n ** 18n);
    await chain.mintCollateral(address, 3_000_000n);
    const lost = answerLost((url, body) => url.startsWith(chain.rpcUrl) && body.includes('eth_sendRawTransaction'));
    const error = (await adapter(key, 'eoa', {}, lost).cashout({ amount: 2_000_000n, destination }).catch((e: unknown) => e)) as OutcomeUnknownError;
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).not.toBeInstanceOf(NetworkError);
    const hash = (error.info as { transactionHash: string }).transactionHash;
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(error.hint).toContain(hash);
    expect(await chain.collateralBalance(destination)).toBe(2_000_000n);
  });

  it('relayer: a lost /submit answer is OutcomeUnknownError, not a retryable NetworkError', async () => {
    const { key, address } = newKey();
    const funder = derivedFunder(1, address, 137)!;
    await chain.mintCollateral(funder, 2_000_000n);
    const before = relayer.submissions.length;
    const lost = answerLost((url) => url.startsWith(`${relayer.url}/submit`));
    const error = (await adapter(key, 'proxy', {}, lost).cashout({ amount: 1_000_000n, destination: newKey().address }).catch((e: unknown) => e)) as OutcomeUnknownError;
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.hint).toContain(funder);
    expect(relayer.submissions.length).toBe(before + 1);
  });

  it('a connection refused before sending stays a retryable NetworkError', async () => {
    const { key, address } = newKey();
    await chain.mintCollateral(derivedFunder(1, address, 137)!, 2_000_000n);
    const refused = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith(`${relayer.url}/submit`)) {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
      }
      return fetch(input, init);
    }) as typeof fetch;
    const error = await adapter(key, 'proxy', {}, refused).cashout({ amount: 1_000_000n, destination: newKey().address }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
  });
});
