import { getKernelAddressFromECDSA, signerToEcdsaValidator } from '@zerodev/ecdsa-validator';
import { CALL_POLICY_CONTRACT_V0_0_4, toPermissionValidator } from '@zerodev/permissions';
import { toECDSASigner } from '@zerodev/permissions/signers';
import { addressToEmptyAccount, createKernelAccount } from '@zerodev/sdk';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, BadInputError, NetworkError } from '../../src/core/errors.js';
import { publicClientFor } from '../../src/custody/clients.js';
import { ENTRY_POINT, KERNEL_ADDRESSES, KERNEL_VERSION } from '../../src/custody/constants.js';
import {
  approveSessionKey,
  assertSessionKeyMatches,
  decodeApprovalPolicy,
  generateSessionKey,
  loadSessionAccount,
  POLYMARKET_EXCHANGES,
  verifyApproval,
} from '../../src/custody/index.js';
import { buildSessionPolicies, parseApproval } from '../../src/custody/policy.js';
import { PUSD_ADDRESS } from '../support/chain.js';
import {
  CASHOUT_ADDRESS,
  editApproval,
  LIMITS,
  OWNER_KEY,
  SECOND_CASHOUT_ADDRESS,
  startCustodyFixture,
  STRANGER,
  widenApproval,
  type CustodyFixture,
} from './fixture.js';

let fx: CustodyFixture;
beforeAll(async () => {
  fx = await startCustodyFixture();
});
afterAll(() => fx?.close());

describe('session key', () => {
  it('generates a fresh key and returns its address', () => {
    const a = generateSessionKey();
    const b = generateSessionKey();
    expect(privateKeyToAccount(a.privateKey).address).toBe(a.address);
    expect(a.privateKey).not.toBe(b.privateKey);
  });
});

describe('owner approval', () => {
  it("builds the owner's Kernel v3.1 account at its counterfactual address", async () => {
    const expected = await getKernelAddressFromECDSA({
      entryPoint: ENTRY_POINT,
      kernelVersion: KERNEL_VERSION,
      eoaAddress: privateKeyToAccount(OWNER_KEY).address,
      index: 0n,
      initCodeHash: KERNEL_ADDRESSES.initCodeHash!,
    });
    expect(fx.approved.smartAccountAddress).toBe(expected);
    expect(fx.approved.ownerAddress).toBe(privateKeyToAccount(OWNER_KEY).address);
    expect(fx.approved.sessionKeyAddress).toBe(fx.session.address);
  });

  it('encodes the policy: transfers to the cashout set, approvals to the exchanges, no EIP-1271', () => {
    const policy = decodeApprovalPolicy(fx.approved.approval);
    expect(policy).toEqual({
      smartAccount: fx.approved.smartAccountAddress,
      permissionId: expect.stringMatching(/^0x[0-9a-f]{8}$/),
      collateral: PUSD_ADDRESS,
      transferDestinations: [CASHOUT_ADDRESS, SECOND_CASHOUT_ADDRESS],
      approveSpenders: [...POLYMARKET_EXCHANGES],
      signaturesBlocked: true,
      callsRestricted: true,
      otherCalls: [],
      // 90 days after 2030-03-17T17:46:40Z; one operation an hour from then, 24 x 90 in all
      validAfter: 0,
      validUntil: 1_907_776_000,
      rateLimit: { interval: 3600, count: 2160, startAt: 1_900_000_000 },
    });
    expect(fx.approved.policy).toEqual(policy);
  });

  it('stores no private key in the approval', () => {
    const text = Buffer.from(fx.approved.approval, 'base64').toString('utf8').toLowerCase();
    expect(text).not.toContain(OWNER_KEY.slice(2).toLowerCase());
    expect(text).not.toContain(fx.session.privateKey.slice(2).toLowerCase());
    expect(JSON.parse(text).privatekey).toBeUndefined();
  });

  it('refuses an empty cashout set and a session key equal to the owner key', async () => {
    const base = {
      ownerPrivateKey: OWNER_KEY,
      chainId: fx.chain.chainId,
      rpcUrl: fx.chain.rpcUrl,
      collateral: PUSD_ADDRESS,
    };
    await expect(
      approveSessionKey({ ...base, sessionKeyAddress: fx.session.address, cashoutDestinations: [] }),
    ).rejects.toBeInstanceOf(BadInputError);
    await expect(
      approveSessionKey({
        ...base,
        sessionKeyAddress: privateKeyToAccount(OWNER_KEY).address,
        cashoutDestinations: [CASHOUT_ADDRESS],
      }),
    ).rejects.toBeInstanceOf(BadInputError);
  });
});

describe('owner approval against the wrong RPC', () => {
  const request = () => ({
    ownerPrivateKey: OWNER_KEY,
    sessionKeyAddress: fx.session.address,
    collateral: PUSD_ADDRESS,
    cashoutDestinations: [CASHOUT_ADDRESS],
  });

  it('refuses an RPC of another chain (the signature is bound to the chain id)', async () => {
    await expect(approveSessionKey({ ...request(), chainId: 80002, rpcUrl: fx.chain.rpcUrl })).rejects.toBeInstanceOf(
      BadInputError,
    );
  });

  it('reports an unreachable RPC as a NetworkError instead of signing with default values', async () => {
    const down: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(
      approveSessionKey({ ...request(), chainId: fx.chain.chainId, rpcUrl: fx.chain.rpcUrl, fetch: down }),
    ).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('bot side: loading the approval with only the session key', () => {
  it('deserializes to the same smart account, with the permission validator active', async () => {
    const client = publicClientFor({ chainId: fx.chain.chainId, rpcUrl: fx.chain.rpcUrl });
    const account = await loadSessionAccount(client, fx.approved.approval, fx.session.privateKey);
    expect(account.address).toBe(fx.approved.smartAccountAddress);
    expect(account.kernelPluginManager.activeValidatorMode).toBe('regular');
    // nonce key = mode(enable) | type(permission) | permissionId...: the UserOp will select the session permission
    const nonce = await account.getNonce();
    const key = (nonce >> 64n).toString(16).padStart(48, '0');
    expect(key.slice(0, 4)).toBe('0102');
    expect(`0x${key.slice(4, 12)}`).toBe(fx.approved.policy.permissionId);
  });

  it('accepts the approved session key and refuses any other key', async () => {
    await expect(assertSessionKeyMatches(fx.approved.approval, fx.session.privateKey, fx.chain.chainId)).resolves.toMatchObject({
      sessionKeyAddress: fx.session.address,
    });
    await expect(assertSessionKeyMatches(fx.approved.approval, generateSessionKey().privateKey, fx.chain.chainId)).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it('detects an approval whose policy was edited after the owner signed it', async () => {
    const widened = editApproval(fx.approved.approval, (json) => {
      const transfer = json.permissionParams.policies[0].policyParams.permissions[0];
      transfer.rules[0].params.push('0x000000000000000000000000' + 'ab'.repeat(20));
    });
    expect(decodeApprovalPolicy(widened).transferDestinations).toHaveLength(3);
    await expect(assertSessionKeyMatches(widened, fx.session.privateKey, fx.chain.chainId)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses unreadable approvals and approvals that embed a key', () => {
    expect(() => decodeApprovalPolicy('not base64 json')).toThrow(BadInputError);
    const withKey = editApproval(fx.approved.approval, (json) => (json.privateKey = fx.session.privateKey));
    expect(() => decodeApprovalPolicy(withKey)).toThrow(BadInputError);
  });
});

describe("the local check recomputes the policy from what the owner signed", () => {
  const claim = () => ({ sessionKeyAddress: fx.session.address, chainId: fx.chain.chainId });
  const ownerAddress = () => privateKeyToAccount(OWNER_KEY).address;

  it("recovers the account's owner from the enable signature over the recomputed enable data", async () => {
    const verified = await verifyApproval(fx.approved.approval, claim());
    expect(verified).toEqual({
      policy: fx.approved.policy,
      owner: ownerAddress(),
      accountIndex: 0n,
      sessionKeyAddress: fx.session.address,
      validatorNonce: 1,
    });
    expect(fx.approved.validatorNonce).toBe(1);
    expect(JSON.parse(Buffer.from(fx.approved.approval, 'base64').toString('utf8')).betmirror).toEqual({ validatorNonce: 1 });
  });

  it('signs exactly what the SDK would have signed for a new account (validator nonce 1)', async () => {
    const client = publicClientFor({ chainId: fx.chain.chainId, rpcUrl: fx.chain.rpcUrl });
    const sudo = await signerToEcdsaValidator(client, { signer: privateKeyToAccount(OWNER_KEY), entryPoint: ENTRY_POINT, kernelVersion: KERNEL_VERSION });
    const regular = await toPermissionValidator(client, {
      signer: await toECDSASigner({ signer: addressToEmptyAccount(fx.session.address) }),
      policies: buildSessionPolicies({
        collateral: PUSD_ADDRESS,
        cashoutDestinations: [CASHOUT_ADDRESS, SECOND_CASHOUT_ADDRESS],
        exchangeSpenders: POLYMARKET_EXCHANGES,
        limits: LIMITS,
      }),
      entryPoint: ENTRY_POINT,
      kernelVersion: KERNEL_VERSION,
    });
    const account = await createKernelAccount(client, {
      entryPoint: ENTRY_POINT,
      kernelVersion: KERNEL_VERSION,
      plugins: { sudo, regular },
      address: fx.approved.smartAccountAddress,
    });
    const sdkSignature = await account.kernelPluginManager.getPluginEnableSignature(account.address);
    expect(parseApproval(fx.approved.approval).enableSignature).toBe(sdkSignature);
  });

  it('ignores the JSON copy of the arguments: the rules the account installs are what is read', async () => {
    const edited = editApproval(fx.approved.approval, (json) => {
      json.permissionParams.policies[0].policyParams.permissions[0].args[0].value.push(STRANGER);
    });
    expect((await verifyApproval(edited, claim())).policy.transferDestinations).toEqual([CASHOUT_ADDRESS, SECOND_CASHOUT_ADDRESS]);
  });

  it('refuses a destination added to the transfer rule even with the permission id recomputed to match', async () => {
    const forged = await widenApproval(fx.approved.approval, STRANGER, fx.session.address);
    expect(decodeApprovalPolicy(forged).transferDestinations).toEqual([CASHOUT_ADDRESS, SECOND_CASHOUT_ADDRESS, STRANGER]);
    const refused = verifyApproval(forged, claim());
    await expect(refused).rejects.toBeInstanceOf(AuthenticationError);
    await expect(refused).rejects.toThrow(
      `the smart-account approval for ${fx.approved.smartAccountAddress} is not signed by its owner ${ownerAddress()} for chain ${fx.chain.chainId}: it was changed after the owner signed it, or made for another chain`,
    );
  });

  it('refuses another chain, another validator nonce, another account, a flagged or unknown policy, another action', async () => {
    const notSigned = /is not signed by its owner/;
    await expect(verifyApproval(fx.approved.approval, { ...claim(), chainId: 80002 })).rejects.toThrow(notSigned);
    await expect(verifyApproval(editApproval(fx.approved.approval, (json) => (json.betmirror.validatorNonce = 2)), claim())).rejects.toThrow(notSigned);
    await expect(verifyApproval(editApproval(fx.approved.approval, (json) => (json.betmirror.validatorNonce = 0)), claim())).rejects.toThrow(
      'the smart-account approval names an impossible validator nonce: 0',
    );
    await expect(verifyApproval(editApproval(fx.approved.approval, (json) => (json.accountParams.accountAddress = STRANGER)), claim())).rejects.toThrow(
      BadInputError,
    );
    await expect(verifyApproval(editApproval(fx.approved.approval, (json) => (json.permissionParams.policies[0].policyParams.policyFlag = '0x0001')), claim())).rejects.toThrow(
      `the smart-account approval flags its policy ${CALL_POLICY_CONTRACT_V0_0_4} with 0x0001; approvals made here never do`,
    );
    await expect(
      verifyApproval(editApproval(fx.approved.approval, (json) => json.permissionParams.policies.push({ policyParams: { type: 'sudo' } })), claim()),
    ).rejects.toThrow('the smart-account approval holds a policy this version does not use: sudo');
    await expect(verifyApproval(editApproval(fx.approved.approval, (json) => (json.action.address = STRANGER)), claim())).rejects.toThrow(
      'the smart-account approval enables the session key for something other than execute',
    );
    await expect(verifyApproval(editApproval(fx.approved.approval, (json) => delete json.enableSignature), claim())).rejects.toThrow(notSigned);
  });
});
