/**
 * Revoking and rotating the session key (issue 11), at the protocol level: the owner's UserOperation
 * the bundler stand-in receives is decoded and checked (root validator, the owner's signature, the
 * account's calls to itself), and the stand-in's model of the Kernel account then refuses the old key
 * as the chain would. A deployed account's state on the local chain comes from KernelStateStub.
 */
import { ECDSA_SIGNER_CONTRACT } from '@zerodev/permissions';
import { toECDSASigner } from '@zerodev/permissions/signers';
import { addressToEmptyAccount, encodeCallDataEpV07, KernelV3_1AccountAbi } from '@zerodev/sdk';
import { concat, encodeFunctionData, pad, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, ExchangeError } from '../../src/core/errors.js';
import {
  approveSessionKey,
  cashoutViaSmartAccount,
  generateSessionKey,
  revokeSessionKey,
  rotateSessionKey,
  verifyApproval,
  type SessionApproval,
  type SessionKey,
} from '../../src/custody/index.js';
import { permissionEnableData } from '../../src/custody/kernel.js';
import { sessionLimits } from '../../src/custody/limits.js';
import { parseApproval, readApproval } from '../../src/custody/policy.js';
import { decodeSelfCall, initCodeOwner } from '../doubles/bundler/decode.js';
import { startBundlerStandIn, type BundlerStandIn, type RpcUserOperation } from '../doubles/bundler/index.js';
import { DEV_KEYS, PUSD_ADDRESS } from '../support/chain.js';
import {
  A_DAY_LATER_MS,
  CASHOUT_ADDRESS,
  countingFetch,
  LIMITS,
  OWNER_KEY,
  SECOND_CASHOUT_ADDRESS,
  startCustodyFixture,
  type CustodyFixture,
} from './fixture.js';
import { placeKernelState } from './kernel-state-stub.js';

let fx: CustodyFixture;
let bundler: BundlerStandIn | undefined;
beforeAll(async () => {
  fx = await startCustodyFixture();
});
afterEach(async () => {
  await bundler?.close();
  bundler = undefined;
});
afterAll(() => fx?.close());

const owner = privateKeyToAccount(OWNER_KEY).address;
const invalidate = (nonce: number) => encodeFunctionData({ abi: KernelV3_1AccountAbi, functionName: 'invalidateNonce', args: [nonce] });

async function standIn() {
  bundler = await startBundlerStandIn({ chainId: fx.chain.chainId, now: () => A_DAY_LATER_MS });
  return bundler;
}

const endpoints = (b: BundlerStandIn, fetch?: typeof globalThis.fetch) => ({
  chainId: fx.chain.chainId,
  rpcUrl: fx.chain.rpcUrl,
  bundlerUrl: b.url,
  pollingIntervalMs: 20,
  ...(fetch ? { fetch } : {}),
});

/** A session-key cash-out of `amount` through the stand-in, expecting exactly it. */
function cashout(b: BundlerStandIn, approved: SessionApproval, session: SessionKey, amount: bigint) {
  b.expect({ sender: approved.smartAccountAddress, sessionSigner: session.address, owner: approved.ownerAddress, transfer: { token: PUSD_ADDRESS, to: CASHOUT_ADDRESS, amount } });
  return cashoutViaSmartAccount({
    approval: approved.approval,
    sessionKey: session.privateKey,
    token: PUSD_ADDRESS,
    destination: CASHOUT_ADDRESS,
    amount,
    nowMs: A_DAY_LATER_MS,
    receiptTimeoutMs: 0,
    ...endpoints(b),
  });
}

const fixtureOwnerRequest = (b: BundlerStandIn) => ({
  ownerPrivateKey: OWNER_KEY,
  smartAccount: fx.approved.smartAccountAddress,
  approval: fx.approved.approval,
  sessionKeyAddress: fx.session.address,
  ...endpoints(b),
});

describe('revoke', () => {
  it('a key never used on chain: one owner operation deploying the account with invalidateNonce(2); its approval can no longer be enabled', async () => {
    const b = await standIn();
    b.expect({ kind: 'owner', sender: fx.approved.smartAccountAddress, owner });
    const revocation = await revokeSessionKey(fixtureOwnerRequest(b));

    expect(b.accepted).toHaveLength(1);
    const [sent] = b.accepted;
    expect(revocation).toEqual({
      smartAccount: fx.approved.smartAccountAddress,
      owner,
      revokedSessionKey: fx.session.address,
      permissionId: fx.approved.policy.permissionId,
      uninstalled: false,
      validNonceFrom: 2,
      userOpHash: sent!.hash,
      txHash: sent!.transactionHash,
      calls: [{ functionName: 'invalidateNonce', data: invalidate(2) }],
    });
    // The UserOperation: the root (owner's ECDSA) validator, signed by the owner, the account calling itself
    expect(sent!.kind).toBe('owner');
    expect(sent!.decoded.validationType).toBe('root');
    expect(sent!.sessionSigner).toBe(owner);
    expect(sent!.decoded.calls).toEqual([{ target: fx.approved.smartAccountAddress, value: 0n, data: invalidate(2) }]);
    expect(decodeSelfCall(sent!.decoded.calls[0]!.data)).toEqual({ functionName: 'invalidateNonce', args: [2] });
    // Not deployed yet: this operation deploys it, rooted in the owner's key
    expect(initCodeOwner(sent!.decoded.factory!, sent!.decoded.factoryData!)).toBe(owner);
    expect(sent!.decoded.paymaster).toBe(b.paymaster);
    expect(b.account(fx.approved.smartAccountAddress)).toMatchObject({ currentNonce: 2, validNonceFrom: 2 });

    await expect(cashout(b, fx.approved, fx.session, 1_000_001n)).rejects.toBeInstanceOf(ExchangeError);
    expect(b.rejected.at(-1)!.message).toMatch(/^EnableNotApproved\(\): enable data signed by 0x[0-9a-fA-F]{40} for validator nonce 2$/);
    expect(b.accepted).toHaveLength(1);
  });

  it('a key in use on a deployed account: uninstallValidation with the enable data it was installed with, then invalidateNonce', async () => {
    const b = await standIn();
    const ownerKey = generatePrivateKey();
    const session = generateSessionKey();
    const approved = await approveSessionKey({
      ownerPrivateKey: ownerKey,
      sessionKeyAddress: session.address,
      collateral: PUSD_ADDRESS,
      cashoutDestinations: [CASHOUT_ADDRESS],
      limits: LIMITS,
      chainId: fx.chain.chainId,
      rpcUrl: fx.chain.rpcUrl,
    });
    await cashout(b, approved, session, 2_000_000n);
    const id = approved.policy.permissionId;
    expect(b.account(approved.smartAccountAddress).installed(id)).toBeDefined();
    // The chain as it is once that first UserOperation was included: deployed, the permission installed
    await placeKernelState(fx.chain, approved.smartAccountAddress, {
      currentNonce: 1,
      validNonceFrom: 0,
      permissions: [{ id, signer: ECDSA_SIGNER_CONTRACT, policies: [] }],
    });

    const ownerAddress = privateKeyToAccount(ownerKey).address;
    b.expect({ kind: 'owner', sender: approved.smartAccountAddress, owner: ownerAddress });
    const revocation = await revokeSessionKey({ ownerPrivateKey: ownerKey, smartAccount: approved.smartAccountAddress, approval: approved.approval, sessionKeyAddress: session.address, ...endpoints(b) });

    const { policies } = readApproval(parseApproval(approved.approval));
    const installedWith = permissionEnableData(policies, await toECDSASigner({ signer: addressToEmptyAccount(session.address) }));
    const validationId = concat(['0x02', pad(id, { size: 20, dir: 'right' })]);
    const uninstall = encodeFunctionData({ abi: KernelV3_1AccountAbi, functionName: 'uninstallValidation', args: [validationId, installedWith, '0x'] });
    expect(revocation).toMatchObject({ uninstalled: true, validNonceFrom: 2, permissionId: id });
    expect(revocation.calls).toEqual([
      { functionName: 'uninstallValidation', data: uninstall },
      { functionName: 'invalidateNonce', data: invalidate(2) },
    ]);
    const sent = b.accepted.at(-1)!;
    expect(sent.decoded.factory).toBeUndefined();
    // Decoded bytes come back lower-case
    const lower = (hex: Hex) => hex.toLowerCase();
    expect(sent.decoded.calls.map((call) => ({ ...call, data: lower(call.data) }))).toEqual([
      { target: approved.smartAccountAddress, value: 0n, data: lower(uninstall) },
      { target: approved.smartAccountAddress, value: 0n, data: invalidate(2) },
    ]);
    expect(decodeSelfCall(sent.decoded.calls[0]!.data).args.map((arg) => lower(arg as Hex))).toEqual([lower(validationId), lower(installedWith), '0x']);
    expect(b.account(approved.smartAccountAddress).installed(id)).toBeUndefined();

    // The SDK still sees the permission installed (the stub is not updated): it sends a default-mode
    // UserOperation, which the account refuses.
    await expect(cashout(b, approved, session, 2_000_001n)).rejects.toBeInstanceOf(ExchangeError);
    expect(b.rejected.at(-1)!.message).toBe('InvalidValidator(): the permission is not installed (never enabled, or uninstalled)');
  });

  it('refuses, before any request, a key that does not own the account, or is no key', async () => {
    const b = await standIn();
    const counter = countingFetch();
    const request = { ...fixtureOwnerRequest(b), fetch: counter.fetch };
    const other = privateKeyToAccount(DEV_KEYS[3]!);
    const refused = revokeSessionKey({ ...request, ownerPrivateKey: DEV_KEYS[3]! });
    await expect(refused).rejects.toBeInstanceOf(BadInputError);
    await expect(refused).rejects.toThrow(`the owner key ${other.address} does not own the smart account ${fx.approved.smartAccountAddress} (its owner is ${owner})`);
    await expect(revokeSessionKey({ ...request, ownerPrivateKey: '0x1234' })).rejects.toThrow('the owner key must be a 32-byte hex private key');
    expect(counter.count()).toBe(0);
    expect(b.calls).toEqual([]);
  });
});

describe('rotate', () => {
  it('approves a new key for the nonce the revocation sets, revokes the old; the new key cashes out, the old cannot', async () => {
    const b = await standIn();
    b.expect({ kind: 'owner', sender: fx.approved.smartAccountAddress, owner });
    const limits = sessionLimits({ expiryDays: 7, operationsPerDay: 12 }, A_DAY_LATER_MS);
    const rotation = await rotateSessionKey({ ...fixtureOwnerRequest(b), collateral: PUSD_ADDRESS, limits });

    const { session, approved, revocation } = rotation;
    expect(session.address).not.toBe(fx.session.address);
    expect(approved.smartAccountAddress).toBe(fx.approved.smartAccountAddress);
    expect(approved.validatorNonce).toBe(2);
    const verified = await verifyApproval(approved.approval, { sessionKeyAddress: session.address, chainId: fx.chain.chainId });
    expect(verified).toMatchObject({ owner, validatorNonce: 2 });
    // The old destinations carried over; the new limits: 7 days from the rotation, one every 2 h, 84 in all
    const rotatedAt = A_DAY_LATER_MS / 1000;
    expect(verified.policy).toMatchObject({
      transferDestinations: [CASHOUT_ADDRESS, SECOND_CASHOUT_ADDRESS],
      validUntil: rotatedAt + 7 * 86_400,
      rateLimit: { interval: 7200, count: 84, startAt: rotatedAt },
    });
    expect(revocation).toMatchObject({ revokedSessionKey: fx.session.address, uninstalled: false, validNonceFrom: 2, calls: [{ functionName: 'invalidateNonce', data: invalidate(2) }] });
    expect(b.accepted.map((a) => a.kind)).toEqual(['owner']);

    const sent = await cashout(b, approved, session, 3_000_000n);
    expect(sent.userOpHash).toBe(b.accepted[1]!.hash);
    expect(b.accepted[1]!.enableSigner).toBe(owner);

    await expect(cashout(b, fx.approved, fx.session, 3_000_001n)).rejects.toBeInstanceOf(ExchangeError);
    expect(b.rejected.at(-1)!.message).toMatch(/^EnableNotApproved\(\)/);
    expect(b.accepted).toHaveLength(2);
  });
});

describe("the stand-in's checks of owner operations", () => {
  async function acceptedRevocation(): Promise<{ b: BundlerStandIn; op: RpcUserOperation }> {
    const b = await standIn();
    b.expect({ kind: 'owner', sender: fx.approved.smartAccountAddress, owner });
    await revokeSessionKey(fixtureOwnerRequest(b));
    return { b, op: b.accepted[0]!.rpcUserOperation };
  }
  const rpc = async (b: BundlerStandIn, method: string, params: unknown[]) =>
    (await (await fetch(b.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })).json()) as {
      error?: { code: number; message: string };
    };
  const selfCall = (data: Hex) => encodeCallDataEpV07([{ to: fx.approved.smartAccountAddress, data, value: 0n }]);

  it('refuses a call to anything but the account itself, a function other than revocation, a nonce it cannot move to', async () => {
    const { b, op } = await acceptedRevocation();
    const estimate = (changed: Partial<RpcUserOperation>) => rpc(b, 'eth_estimateUserOperationGas', [{ ...op, ...changed }]);
    const transfer = await encodeCallDataEpV07([{ to: PUSD_ADDRESS, data: '0xa9059cbb', value: 0n }]);
    expect((await estimate({ callData: transfer })).error!.message).toBe(
      `the owner operation calls ${PUSD_ADDRESS} with value 0: only the account itself is expected`,
    );
    const upgrade = encodeFunctionData({ abi: KernelV3_1AccountAbi, functionName: 'upgradeTo', args: [CASHOUT_ADDRESS as Address] });
    expect((await estimate({ callData: await selfCall(upgrade) })).error!.message).toBe(
      'the owner operation calls upgradeTo: only uninstallValidation and invalidateNonce are expected',
    );
    // The account is at nonce 2 now: 13 is more than 10 above it (Kernel's MAX_NONCE_INCREMENT_SIZE)
    expect((await estimate({ callData: await selfCall(invalidate(13)) })).error).toEqual({ code: -32521, message: 'NonceInvalidationError(): 13 is more than 10 above 2' });
    expect((await estimate({ callData: await selfCall(invalidate(2)) })).error).toEqual({ code: -32521, message: 'InvalidNonce(): 2 is not above validNonceFrom 2' });
  });

  it('refuses the same revocation signed by another key (on an account that has not seen it)', async () => {
    const { b: first, op } = await acceptedRevocation();
    const hash = first.accepted[0]!.hash;
    await first.close();
    const b = await standIn();
    b.expect({ kind: 'owner', sender: fx.approved.smartAccountAddress, owner });
    const stranger = privateKeyToAccount(DEV_KEYS[3]!);
    const forged = await stranger.signMessage({ message: { raw: hash } });
    const entryPoint = '0x0000000071727De22E5E9d8BAf0edAC6f37da032';
    expect((await rpc(b, 'eth_sendUserOperation', [{ ...op, signature: forged }, entryPoint])).error).toEqual({
      code: -32500,
      message: `AA24 signature error: signed by ${stranger.address}`,
    });
    expect((await rpc(b, 'eth_sendUserOperation', [op, entryPoint])).error).toBeUndefined();
    expect(b.account(fx.approved.smartAccountAddress).validNonceFrom).toBe(2);
  });
});
