/**
 * The stand-in's own checks: the end-to-end test trusts it to refuse a wrong UserOperation, so each
 * refusal is shown here on a tampered copy of a UserOperation it accepted.
 */
import { concat, decodeAbiParameters, encodeAbiParameters, pad, slice, toHex, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashoutViaSmartAccount } from '../../src/custody/index.js';
import { startBundlerStandIn, type BundlerStandIn, type RpcUserOperation } from '../doubles/bundler/index.js';
import { DEV_KEYS, PUSD_ADDRESS } from '../support/chain.js';
import { A_DAY_LATER_MS, CASHOUT_ADDRESS, startCustodyFixture, type CustodyFixture } from './fixture.js';

const AMOUNT = 3_000_000n;
const stranger = privateKeyToAccount(DEV_KEYS[3]!);
const ENABLE = [{ type: 'bytes' }, { type: 'bytes' }, { type: 'bytes' }, { type: 'bytes' }, { type: 'bytes' }] as const;

let fx: CustodyFixture;
let bundler: BundlerStandIn;
let accepted: RpcUserOperation;
let acceptedHash: Hex;

beforeAll(async () => {
  fx = await startCustodyFixture();
  bundler = await startBundlerStandIn({
    chainId: fx.chain.chainId,
    now: () => A_DAY_LATER_MS,
    expect: {
      sender: fx.approved.smartAccountAddress,
      sessionSigner: fx.session.address,
      owner: fx.approved.ownerAddress,
      transfer: { token: PUSD_ADDRESS, to: CASHOUT_ADDRESS, amount: AMOUNT },
    },
  });
  await cashoutViaSmartAccount({
    approval: fx.approved.approval,
    sessionKey: fx.session.privateKey,
    token: PUSD_ADDRESS,
    destination: CASHOUT_ADDRESS,
    amount: AMOUNT,
    chainId: fx.chain.chainId,
    rpcUrl: fx.chain.rpcUrl,
    bundlerUrl: bundler.url,
    receiptTimeoutMs: 0,
    nowMs: A_DAY_LATER_MS,
  });
  accepted = bundler.accepted[0]!.rpcUserOperation;
  acceptedHash = bundler.accepted[0]!.hash;
});
afterAll(async () => {
  await bundler?.close();
  await fx?.close();
});

async function rpc(method: string, params: unknown[]): Promise<{ result?: any; error?: { code: number; message: string } }> {
  const response = await fetch(bundler.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return response.json() as Promise<{ result?: unknown; error?: { code: number; message: string } }>;
}

const send = (op: RpcUserOperation) => rpc('eth_sendUserOperation', [op, '0x0000000071727De22E5E9d8BAf0edAC6f37da032']);

/** Replaces one of the five parts of an enable-mode signature. */
function withEnablePart(op: RpcUserOperation, index: number, value: Hex): RpcUserOperation {
  const signature = op.signature!;
  const parts = [...decodeAbiParameters(ENABLE, slice(signature, 20))] as Hex[];
  parts[index] = value;
  return { ...op, signature: concat([slice(signature, 0, 20), encodeAbiParameters(ENABLE, parts as never)]) };
}

describe('bundler stand-in verification', () => {
  it('answers the basic bundler methods and refuses unknown ones', async () => {
    expect((await rpc('eth_chainId', [])).result).toBe(toHex(fx.chain.chainId));
    expect((await rpc('eth_supportedEntryPoints', [])).result.map((a: string) => a.toLowerCase())).toEqual([
      '0x0000000071727de22e5e9d8baf0edac6f37da032',
    ]);
    expect((await rpc('eth_sendRawTransaction', ['0x'])).error?.code).toBe(-32601);
    const receipt = (await rpc('eth_getUserOperationReceipt', [acceptedHash])).result;
    expect(receipt).toMatchObject({ userOpHash: acceptedHash, success: true, sender: fx.approved.smartAccountAddress });
    expect((await rpc('eth_getUserOperationByHash', [acceptedHash])).result.userOperation).toEqual(accepted);
  });

  it('refuses a replay of an accepted UserOperation', async () => {
    expect((await send(accepted)).error?.message).toMatch(/AA25/);
  });

  it('refuses a UserOperation signed by another key', async () => {
    const hash = bundler.accepted[0]!.hash;
    const forged = concat(['0xff', await stranger.signMessage({ message: { raw: hash } })]);
    const reply = await send(withEnablePart(accepted, 4, forged));
    expect(reply.error).toMatchObject({ code: -32500 });
    expect(reply.error!.message).toContain(stranger.address);
  });

  it('refuses enable data not signed by the owner', async () => {
    const reply = await send(withEnablePart(accepted, 3, await stranger.signMessage({ message: 'enable' })));
    expect(reply.error!.message).toMatch(/EnableNotApproved/);
  });

  it('refuses paymaster data it did not issue', async () => {
    const reply = await send({ ...accepted, paymasterData: pad('0x01', { size: 32 }) });
    expect(reply.error).toMatchObject({ code: -32501 });
  });

  it('refuses a nonce key that selects the root validator instead of the permission', async () => {
    const nonce = pad(accepted.nonce!, { size: 32 });
    const rootKey = concat(['0x0000', slice(nonce, 2)]);
    const reply = await send({ ...accepted, nonce: rootKey });
    expect(reply.error!.message).toMatch(/root validator/);
  });

  it('refuses a sender that its initCode would not deploy', async () => {
    const reply = await send({ ...accepted, sender: stranger.address });
    expect(reply.error!.message).toMatch(/not the expected Kernel account/);
    bundler.expect({ ...expectation(), sender: stranger.address });
    expect((await send({ ...accepted, sender: stranger.address })).error!.message).toMatch(/AA14/);
    bundler.expect(expectation());
  });
});

function expectation() {
  return {
    sender: fx.approved.smartAccountAddress,
    sessionSigner: fx.session.address,
    owner: fx.approved.ownerAddress,
    transfer: { token: PUSD_ADDRESS, to: CASHOUT_ADDRESS, amount: AMOUNT },
  };
}
