/**
 * The relayer payloads the adapter signs are byte for byte those of the official
 * @polymarket/builder-relayer-client builders (which print to stdout, hence our own copies for proxy and Safe).
 */
import { buildProxyTransactionRequest, buildSafeTransactionRequest } from '@polymarket/builder-relayer-client';
import { createAbstractSigner } from '@polymarket/builder-abstract-signer';
import { createWalletClient, http, recoverTypedDataAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { polygon } from 'viem/chains';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PUSD, transferCalldata } from '../../../src/exchanges/polymarket/chain.js';
import { RELAYER_CONTRACTS } from '../../../src/exchanges/polymarket/funding.js';
import { buildDepositWalletRequest, buildProxyRequest, buildSafeRequest } from '../../../src/exchanges/polymarket/relayer.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const account = privateKeyToAccount(KEY);
const officialSigner = () =>
  createAbstractSigner(137, createWalletClient({ account, chain: polygon, transport: http('http://127.0.0.1:9') }) as never);
const call = { to: PUSD, data: transferCalldata('0x000000000000000000000000000000000000dEaD', 1_234_567n) };
const contracts = RELAYER_CONTRACTS[137];

afterEach(() => vi.restoreAllMocks());

describe('relayer payloads match the official builders', () => {
  it('proxy wallet batch', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const official = await buildProxyTransactionRequest(
      officialSigner(),
      {
        from: account.address,
        nonce: '7',
        gasPrice: '0',
        gasLimit: '123456',
        data: (await import('@polymarket/builder-relayer-client')).encodeProxyTransactionData([
          { to: call.to, typeCode: '1' as never, data: call.data, value: '0' },
        ]),
        relay: '0x000000000000000000000000000000000000bEEF',
      },
      { ProxyFactory: contracts.proxyFactory, RelayHub: contracts.relayHub },
    );
    const ours = await buildProxyRequest(account, { chainId: 137, calls: [call], relay: '0x000000000000000000000000000000000000bEEF', nonce: '7', gasLimit: '123456' });
    expect(JSON.stringify(ours)).toBe(JSON.stringify(official));
  });

  it('Safe transaction', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const official = await buildSafeTransactionRequest(
      officialSigner(),
      { from: account.address, nonce: '3', chainId: 137, transactions: [{ ...call, operation: 0, value: '0' }] },
      { SafeFactory: contracts.safeFactory, SafeMultisend: contracts.safeMultisend },
    );
    const ours = await buildSafeRequest(account, { chainId: 137, call, nonce: '3' });
    expect(JSON.stringify(ours)).toBe(JSON.stringify(official));
    // A single call is sent as is, not wrapped in a multisend (which would be a delegatecall).
    expect(ours.to).toBe(PUSD);
  });

  it('deposit wallet batch uses the official builder and signs EIP-712 Batch', async () => {
    const wallet = '0x1111111111111111111111111111111111111111';
    const request = await buildDepositWalletRequest(account, { chainId: 137, wallet, calls: [call], nonce: '0', deadline: '2000000000' });
    expect(request).toMatchObject({
      type: 'WALLET',
      from: account.address,
      to: contracts.depositWalletFactory,
      nonce: '0',
      depositWalletParams: { depositWallet: wallet, deadline: '2000000000', calls: [{ target: PUSD, value: '0', data: call.data }] },
    });
    const recovered = await recoverTypedDataAddress({
      domain: { name: 'DepositWallet', version: '1', chainId: 137, verifyingContract: wallet },
      types: {
        Call: [
          { name: 'target', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'data', type: 'bytes' },
        ],
        Batch: [
          { name: 'wallet', type: 'address' },
          { name: 'nonce', type: 'uint256' },
          { name: 'deadline', type: 'uint256' },
          { name: 'calls', type: 'Call[]' },
        ],
      },
      primaryType: 'Batch',
      message: { wallet, nonce: 0n, deadline: 2000000000n, calls: [{ target: PUSD, value: 0n, data: call.data }] },
      signature: request.signature as `0x${string}`,
    });
    expect(recovered).toBe(account.address);
  });
});
