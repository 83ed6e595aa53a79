/**
 * Session-key expiry and rate limit (issue 11): the values chosen at `auth`, the policies written into
 * the permission (ZeroDev TimestampPolicy and RateLimitPolicy), their survival through
 * serialize/deserialize, the local refusal of an expired key, and the chain's refusals as the bundler
 * stand-in models them.
 */
import { signerToEcdsaValidator } from '@zerodev/ecdsa-validator';
import {
  PolicyFlags,
  RATE_LIMIT_POLICY_CONTRACT,
  serializePermissionAccount,
  TIMESTAMP_POLICY_CONTRACT,
  toPermissionValidator,
} from '@zerodev/permissions';
import { toECDSASigner } from '@zerodev/permissions/signers';
import { addressToEmptyAccount, createKernelAccount } from '@zerodev/sdk';
import { concat, decodeAbiParameters, encodeAbiParameters, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, BadInputError, ExchangeError } from '../../src/core/errors.js';
import { publicClientFor } from '../../src/custody/clients.js';
import { ENTRY_POINT, KERNEL_VERSION, POLYMARKET_EXCHANGES } from '../../src/custody/constants.js';
import {
  approveSessionKey,
  cashoutViaSmartAccount,
  generateSessionKey,
  loadSessionAccount,
  planSmartAccountCashout,
  verifyApproval,
} from '../../src/custody/index.js';
import { permissionEnableData } from '../../src/custody/kernel.js';
import { parseLimit, sessionLimits } from '../../src/custody/limits.js';
import { buildSessionPolicies, parseApproval, readApproval } from '../../src/custody/policy.js';
import { startBundlerStandIn, type BundlerStandIn } from '../doubles/bundler/index.js';
import { PUSD_ADDRESS } from '../support/chain.js';
import { APPROVED_AT, APPROVED_AT_MS, CASHOUT_ADDRESS, countingFetch, OWNER_KEY, startCustodyFixture, type CustodyFixture } from './fixture.js';

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

describe('the values chosen at auth', () => {
  it('defaults: valid 90 days, one operation an hour from approval, 2160 in all', () => {
    expect(sessionLimits({ expiryDays: 90, operationsPerDay: 24 }, APPROVED_AT_MS)).toEqual({
      validUntil: APPROVED_AT + 7_776_000,
      rateLimit: { interval: 3600, count: 2160, startAt: APPROVED_AT },
    });
  });

  it('a rate that does not divide the day rounds the interval down to the second', () => {
    expect(sessionLimits({ expiryDays: 1, operationsPerDay: 7 }, APPROVED_AT_MS + 999)).toEqual({
      validUntil: APPROVED_AT + 86_400,
      rateLimit: { interval: 12_342, count: 7, startAt: APPROVED_AT },
    });
  });

  it('flags take whole numbers within bounds, naming the flag', () => {
    expect(parseLimit('--session-expiry', 'expiryDays', '3650')).toBe(3650);
    expect(parseLimit('--session-rate', 'operationsPerDay', ' 1440 ')).toBe(1440);
    for (const bad of ['0', '-1', '1.5', '3651', 'ninety', '', '0x10']) {
      expect(() => parseLimit('--session-expiry', 'expiryDays', bad)).toThrow(new BadInputError(`--session-expiry must be a whole number from 1 to 3650 (got ${bad})`));
    }
  });
});

describe('the policies survive serialize/deserialize', () => {
  it("the bot's deserialized permission has exactly the enable data the owner signed, limits included", async () => {
    const client = publicClientFor({ chainId: fx.chain.chainId, rpcUrl: fx.chain.rpcUrl });
    const account = await loadSessionAccount(client, fx.approved.approval, fx.session.privateKey);
    const regular = account.kernelPluginManager.regularValidator!;
    const { policies, permissionId } = readApproval(parseApproval(fx.approved.approval));
    const signer = await toECDSASigner({ signer: addressToEmptyAccount(fx.session.address) });
    const signed = permissionEnableData(policies, signer);
    expect(await regular.getEnableData(account.address)).toBe(signed);
    expect(regular.getIdentifier()).toBe(permissionId);

    const [entries] = decodeAbiParameters([{ type: 'bytes[]' }], signed);
    expect(entries[2]!.toLowerCase()).toBe(
      concat(['0x0000', TIMESTAMP_POLICY_CONTRACT, encodeAbiParameters([{ type: 'uint48' }, { type: 'uint48' }], [0, 1_907_776_000])]).toLowerCase(),
    );
    expect(entries[3]!.toLowerCase()).toBe(concat(['0x0000', RATE_LIMIT_POLICY_CONTRACT, '0x000000000e10', '0x000000000870', '0x0000713fb300']).toLowerCase());
  });

  it('unlike the permission flag that would exclude signature validation: it is lost, and the local check notices', async () => {
    const client = publicClientFor({ chainId: fx.chain.chainId, rpcUrl: fx.chain.rpcUrl });
    const session = generateSessionKey();
    const policies = buildSessionPolicies({ collateral: PUSD_ADDRESS, cashoutDestinations: [CASHOUT_ADDRESS], exchangeSpenders: POLYMARKET_EXCHANGES });
    const flagged = await toPermissionValidator(client, {
      signer: await toECDSASigner({ signer: addressToEmptyAccount(session.address) }),
      policies,
      entryPoint: ENTRY_POINT,
      kernelVersion: KERNEL_VERSION,
      flag: PolicyFlags.NOT_FOR_VALIDATE_SIG,
    });
    const sudo = await signerToEcdsaValidator(client, { signer: privateKeyToAccount(OWNER_KEY), entryPoint: ENTRY_POINT, kernelVersion: KERNEL_VERSION });
    const account = await createKernelAccount(client, { entryPoint: ENTRY_POINT, kernelVersion: KERNEL_VERSION, plugins: { sudo, regular: flagged } });
    const approval = await serializePermissionAccount(account);
    const signedData = await flagged.getEnableData(account.address);

    const rebuilt = (await loadSessionAccount(client, approval, session.privateKey)).kernelPluginManager.regularValidator!;
    const rebuiltData = await rebuilt.getEnableData(account.address);
    const signerEntry = (data: Hex) => decodeAbiParameters([{ type: 'bytes[]' }], data)[0].at(-1)!.slice(0, 6);
    expect(signerEntry(signedData)).toBe('0x0002');
    expect(signerEntry(rebuiltData)).toBe('0x0000');
    expect(rebuiltData).not.toBe(signedData);
    await expect(verifyApproval(approval, { sessionKeyAddress: session.address, chainId: fx.chain.chainId })).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe('an expired session key', () => {
  const plan = (nowMs: number) =>
    planSmartAccountCashout({
      approval: fx.approved.approval,
      sessionKey: fx.session.privateKey,
      token: PUSD_ADDRESS,
      destination: CASHOUT_ADDRESS,
      amount: 1_000_000n,
      chainId: fx.chain.chainId,
      nowMs,
    });

  it('is refused locally after its last valid second, with the fix; that second itself still passes', async () => {
    await expect(plan(1_907_776_000_999)).resolves.toMatchObject({ destination: CASHOUT_ADDRESS });
    const refused = plan(1_907_776_001_000);
    await expect(refused).rejects.toBeInstanceOf(AuthenticationError);
    await expect(refused).rejects.toThrow(`the session key ${fx.session.address} expired on 2030-06-15T17:46:40Z: nothing was sent`);
  });

  it('sends nothing', async () => {
    const counter = countingFetch();
    bundler = await startBundlerStandIn({ chainId: fx.chain.chainId });
    await expect(
      cashoutViaSmartAccount({
        approval: fx.approved.approval,
        sessionKey: fx.session.privateKey,
        token: PUSD_ADDRESS,
        destination: CASHOUT_ADDRESS,
        amount: 1_000_000n,
        chainId: fx.chain.chainId,
        rpcUrl: fx.chain.rpcUrl,
        bundlerUrl: bundler.url,
        fetch: counter.fetch,
        nowMs: 1_907_776_001_000,
      }),
    ).rejects.toThrow(/expired on 2030-06-15T17:46:40Z/);
    expect(counter.count()).toBe(0);
    expect(bundler.calls).toEqual([]);
  });
});

describe('on chain (the bundler stand-in): expiry and rate limit as the policies return them', () => {
  it('two a day for one day: one every 43200 s, two in all, then nothing; after the last second, expired', async () => {
    const session = generateSessionKey();
    const approved = await approveSessionKey({
      ownerPrivateKey: OWNER_KEY,
      sessionKeyAddress: session.address,
      chainId: fx.chain.chainId,
      rpcUrl: fx.chain.rpcUrl,
      collateral: PUSD_ADDRESS,
      cashoutDestinations: [CASHOUT_ADDRESS],
      limits: sessionLimits({ expiryDays: 1, operationsPerDay: 2 }, APPROVED_AT_MS),
    });
    expect(approved.policy).toMatchObject({ validUntil: APPROVED_AT + 86_400, rateLimit: { interval: 43_200, count: 2, startAt: APPROVED_AT } });
    let chainTime = APPROVED_AT;
    bundler = await startBundlerStandIn({
      chainId: fx.chain.chainId,
      now: () => chainTime * 1000,
      expect: { sender: approved.smartAccountAddress, sessionSigner: session.address, owner: approved.ownerAddress, transfer: { token: PUSD_ADDRESS, to: CASHOUT_ADDRESS, amount: 1_000_000n } },
    });
    // The local clock stays at approval time: only the chain's view of time moves. Each attempt moves
    // another amount: the stand-in does not execute, so the EntryPoint nonce never advances.
    let amount = 1_000_000n;
    const cashout = () => {
      amount += 1n;
      bundler!.expect({ sender: approved.smartAccountAddress, sessionSigner: session.address, owner: approved.ownerAddress, transfer: { token: PUSD_ADDRESS, to: CASHOUT_ADDRESS, amount } });
      return cashoutViaSmartAccount({
        approval: approved.approval,
        sessionKey: session.privateKey,
        token: PUSD_ADDRESS,
        destination: CASHOUT_ADDRESS,
        amount,
        chainId: fx.chain.chainId,
        rpcUrl: fx.chain.rpcUrl,
        bundlerUrl: bundler!.url,
        receiptTimeoutMs: 0,
        nowMs: APPROVED_AT_MS,
      });
    };
    const lastRefusal = () => bundler!.rejected.at(-1)!.message;

    await expect(cashout()).resolves.toMatchObject({ destination: CASHOUT_ADDRESS });
    chainTime = APPROVED_AT + 43_199;
    await expect(cashout()).rejects.toBeInstanceOf(ExchangeError);
    expect(lastRefusal()).toBe(`AA22 expired or not due (RateLimitPolicy: next operation from ${APPROVED_AT + 43_200}, now ${APPROVED_AT + 43_199})`);
    chainTime = APPROVED_AT + 43_200;
    await expect(cashout()).resolves.toMatchObject({ destination: CASHOUT_ADDRESS });
    chainTime = APPROVED_AT + 86_400;
    await expect(cashout()).rejects.toThrow('the bundler refused the cash-out: AA24 signature error (RateLimitPolicy: no operation left)');
    chainTime = APPROVED_AT + 86_401;
    await expect(cashout()).rejects.toThrow(
      `the bundler refused the cash-out: AA22 expired or not due (TimestampPolicy: valid 0 to ${APPROVED_AT + 86_400}, now ${APPROVED_AT + 86_401})`,
    );
    expect(bundler.accepted).toHaveLength(2);
    expect(bundler.account(approved.smartAccountAddress).installed(approved.policy.permissionId)!.rateLimit).toEqual({
      interval: 43_200,
      remaining: 0,
      nextAt: APPROVED_AT + 86_400,
    });
  });
});
