import {
  CALL_POLICY_CONTRACT_V0_0_4,
  ECDSA_SIGNER_CONTRACT,
  RATE_LIMIT_POLICY_CONTRACT,
  SIGNATURE_POLICY_CONTRACT,
  TIMESTAMP_POLICY_CONTRACT,
} from '@zerodev/permissions';
import { createPublicClient, encodeAbiParameters, encodeFunctionData, http, type Address } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, BadInputError, ExchangeError, NetworkError } from '../../src/core/errors.js';
import {
  cashoutViaSmartAccount,
  fetchSmartAccountBalance,
  generateSessionKey,
  planSmartAccountCashout,
  toCashoutResult,
  type SmartAccountCashoutRequest,
} from '../../src/custody/index.js';
import { erc20TransferAbi } from '../../src/custody/constants.js';
import { startBundlerStandIn, type BundlerStandIn, type BundlerStandInOptions } from '../doubles/bundler/index.js';
import { PUSD_ADDRESS } from '../support/chain.js';
import {
  A_DAY_LATER_MS,
  CASHOUT_ADDRESS,
  countingFetch,
  editApproval,
  SECOND_CASHOUT_ADDRESS,
  startCustodyFixture,
  STRANGER,
  widenApproval,
  type CustodyFixture,
} from './fixture.js';

const AMOUNT = 12_500_000n; // $12.50 in pUSD micro-units

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

async function standIn(options: Partial<BundlerStandInOptions> = {}, to: Address = CASHOUT_ADDRESS) {
  bundler = await startBundlerStandIn({
    chainId: fx.chain.chainId,
    now: () => A_DAY_LATER_MS,
    expect: {
      sender: fx.approved.smartAccountAddress,
      sessionSigner: fx.session.address,
      owner: fx.approved.ownerAddress,
      transfer: { token: PUSD_ADDRESS, to, amount: AMOUNT },
    },
    ...options,
  });
  return bundler;
}

function request(b: BundlerStandIn, overrides: Partial<SmartAccountCashoutRequest> = {}): SmartAccountCashoutRequest {
  return {
    approval: fx.approved.approval,
    sessionKey: fx.session.privateKey,
    token: PUSD_ADDRESS,
    destination: CASHOUT_ADDRESS,
    amount: AMOUNT,
    chainId: fx.chain.chainId,
    rpcUrl: fx.chain.rpcUrl,
    bundlerUrl: b.url,
    pollingIntervalMs: 20,
    nowMs: A_DAY_LATER_MS,
    ...overrides,
  };
}

describe('cashout through a sponsored UserOperation (ZeroDev bundler + paymaster)', () => {
  it('sends exactly the approved transfer, signed by the session key, enabled by the owner, sponsored', async () => {
    const b = await standIn({ gasQuote: { maxFeePerGas: 41_000_000_000n, maxPriorityFeePerGas: 2_000_000_000n } });
    const result = await cashoutViaSmartAccount(request(b));

    expect(b.accepted).toHaveLength(1);
    const [sent] = b.accepted;
    expect(result).toMatchObject({
      userOpHash: sent!.hash,
      txHash: sent!.transactionHash,
      smartAccount: fx.approved.smartAccountAddress,
      destination: CASHOUT_ADDRESS,
      amount: AMOUNT,
      gasPriceSource: 'zerodev',
      sponsorshipSource: 'zerodev',
    });
    const d = sent!.decoded;
    expect(d.sender).toBe(fx.approved.smartAccountAddress);
    // nonce key: enable mode, permission validator, the approval's permission id
    expect(d.validationType).toBe('permission');
    expect(d.validatorMode).toBe('enable');
    expect(d.validationId).toBe(fx.approved.policy.permissionId);
    // callData: Kernel execute(single call) of the exact ERC-20 transfer, no native value
    expect(d.call).toEqual({
      target: PUSD_ADDRESS,
      value: 0n,
      data: encodeFunctionData({ abi: erc20TransferAbi, functionName: 'transfer', args: [CASHOUT_ADDRESS, AMOUNT] }),
    });
    // signature: the session key signed the EntryPoint 0.7 hash; the owner signed the enable data
    expect(sent!.sessionSigner).toBe(fx.session.address);
    expect(sent!.enableSigner).toBe(fx.approved.ownerAddress);
    expect(d.enable!.signerModule).toBe(ECDSA_SIGNER_CONTRACT);
    expect(d.enable!.signerKey).toBe(fx.session.address);
    // installed policies: the call policy, the signature-caller policy with NO allowed caller, the
    // expiry (valid until 2030-06-15T17:46:40Z) and the rate limit (one every 3600 s, 2160 in all,
    // from 2030-03-17T17:46:40Z), all for every validation (flag 0x0000)
    expect(d.enable!.policies.map((p) => [p.flag, p.address])).toEqual([
      ['0x0000', CALL_POLICY_CONTRACT_V0_0_4],
      ['0x0000', SIGNATURE_POLICY_CONTRACT],
      ['0x0000', TIMESTAMP_POLICY_CONTRACT],
      ['0x0000', RATE_LIMIT_POLICY_CONTRACT],
    ]);
    expect(d.enable!.policies[1]!.data).toBe(encodeAbiParameters([{ type: 'address[]' }], [[]]));
    expect(d.enable!.policies[2]!.data).toBe(encodeAbiParameters([{ type: 'uint48' }, { type: 'uint48' }], [0, 1_907_776_000]));
    expect(d.enable!.policies[3]!.data).toBe('0x000000000e10' + '000000000870' + '0000713fb300');
    // counterfactual account: deployed by this first UserOperation
    expect(d.factory).toBeDefined();
    // sponsored: our paymaster's data, and the gas price ZeroDev quoted
    expect(d.paymaster).toBe(b.paymaster);
    expect(d.paymasterData).toMatch(/^0x[0-9a-f]{64}$/);
    expect(sent!.userOperation.maxFeePerGas).toBe(41_000_000_000n);
    expect(sent!.userOperation.maxPriorityFeePerGas).toBe(2_000_000_000n);
    expect(b.calls.map((c) => c.method)).not.toContain('pm_getPaymasterStubData');
  });

  it('returns right after acceptance when asked not to wait', async () => {
    const b = await standIn({}, SECOND_CASHOUT_ADDRESS);
    const result = await cashoutViaSmartAccount(request(b, { destination: SECOND_CASHOUT_ADDRESS, receiptTimeoutMs: 0 }));
    expect(result.userOpHash).toBe(b.accepted[0]!.hash);
    expect(result.txHash).toBeUndefined();
    expect(b.calls.map((c) => c.method)).not.toContain('eth_getUserOperationReceipt');
    expect(toCashoutResult(result)).toMatchObject({
      txHash: result.userOpHash,
      method: 'user-operation',
      amount: AMOUNT,
      info: { included: false, userOpHash: result.userOpHash },
    });
  });

  it("reads the smart account's collateral balance (for --amount all)", async () => {
    await fx.chain.installCollateral();
    await fx.chain.mintCollateral(fx.approved.smartAccountAddress, 42_000_000n);
    const balance = await fetchSmartAccountBalance({
      approval: fx.approved.approval,
      chainId: fx.chain.chainId,
      rpcUrl: fx.chain.rpcUrl,
    });
    expect(balance).toBe(42_000_000n);
  });
});

describe('gas price and sponsorship with a standard ERC-4337 bundler (no zd_* methods)', () => {
  it('prices from the chain RPC and sponsors through ERC-7677 pm_* methods', async () => {
    const b = await standIn({ zerodev: false });
    const result = await cashoutViaSmartAccount(request(b));

    expect(result).toMatchObject({ gasPriceSource: 'chain', sponsorshipSource: 'erc7677', userOpHash: b.accepted[0]!.hash });
    const methods = b.calls.map((c) => c.method);
    expect(methods).toEqual(
      expect.arrayContaining(['pm_getPaymasterStubData', 'eth_estimateUserOperationGas', 'pm_getPaymasterData']),
    );
    expect(b.rejected.map((r) => r.method).sort()).toEqual(
      ['pimlico_getUserOperationGasPrice', 'zd_getUserOperationGasPrice', 'zd_sponsorUserOperation'].sort(),
    );
    const rpc = createPublicClient({ transport: http(fx.chain.rpcUrl) });
    const tip = await rpc.request({ method: 'eth_maxPriorityFeePerGas' });
    const op = b.accepted[0]!.userOperation;
    expect(op.maxPriorityFeePerGas).toBe(2n * BigInt(tip));
    expect(op.maxFeePerGas).toBeGreaterThan(op.maxPriorityFeePerGas);
    expect(op.paymaster).toBe(b.paymaster);
  });

  it("uses a Pimlico-style bundler's own gas price method when it has one", async () => {
    const b = await standIn({ zerodev: false, pimlico: true, gasQuote: { maxFeePerGas: 77n * 10n ** 9n, maxPriorityFeePerGas: 3n * 10n ** 9n } });
    const result = await cashoutViaSmartAccount(request(b));
    expect(result.gasPriceSource).toBe('pimlico');
    expect(b.accepted[0]!.userOperation.maxFeePerGas).toBe(77n * 10n ** 9n);
  });
});

describe('local refusals: nothing is sent', () => {
  it('plans a dry run locally: who pays, who signs, what moves', async () => {
    const plan = await planSmartAccountCashout({
      approval: fx.approved.approval,
      sessionKey: fx.session.privateKey,
      token: PUSD_ADDRESS,
      destination: SECOND_CASHOUT_ADDRESS,
      amount: AMOUNT,
      chainId: fx.chain.chainId,
      nowMs: A_DAY_LATER_MS,
    });
    expect(plan).toEqual({
      smartAccount: fx.approved.smartAccountAddress,
      sessionKeyAddress: fx.session.address,
      token: PUSD_ADDRESS,
      destination: SECOND_CASHOUT_ADDRESS,
      amount: AMOUNT,
    });
  });

  it('refuses a destination outside the policy before any request', async () => {
    const b = await standIn({}, STRANGER);
    const counter = countingFetch();
    await expect(cashoutViaSmartAccount(request(b, { destination: STRANGER, fetch: counter.fetch }))).rejects.toThrow(
      BadInputError,
    );
    expect(b.calls).toEqual([]);
    expect(counter.count()).toBe(0);
  });

  it('refuses a destination the local allow-list narrows away, even if the policy allows it', async () => {
    const b = await standIn({}, SECOND_CASHOUT_ADDRESS);
    const refused = cashoutViaSmartAccount(
      request(b, { destination: SECOND_CASHOUT_ADDRESS, allowedDestinations: [CASHOUT_ADDRESS] }),
    );
    await expect(refused).rejects.toBeInstanceOf(BadInputError);
    expect(b.calls).toEqual([]);
  });

  it('refuses another token, a non-positive amount, a foreign session key and a widened approval', async () => {
    const b = await standIn();
    const counter = countingFetch();
    const base = { fetch: counter.fetch };
    await expect(cashoutViaSmartAccount(request(b, { ...base, token: STRANGER }))).rejects.toBeInstanceOf(BadInputError);
    await expect(cashoutViaSmartAccount(request(b, { ...base, amount: 0n }))).rejects.toBeInstanceOf(BadInputError);
    await expect(
      cashoutViaSmartAccount(request(b, { ...base, sessionKey: generateSessionKey().privateKey })),
    ).rejects.toBeInstanceOf(AuthenticationError);
    const widened = editApproval(fx.approved.approval, (json) => {
      json.permissionParams.policies[0].policyParams.permissions[0].rules[0].params.push(
        `0x000000000000000000000000${STRANGER.slice(2)}`,
      );
    });
    await expect(
      cashoutViaSmartAccount(request(b, { ...base, approval: widened, destination: STRANGER })),
    ).rejects.toBeInstanceOf(AuthenticationError);
    expect(b.calls).toEqual([]);
    expect(counter.count()).toBe(0);
  });
});

describe('the local check trusts only what the owner signed', () => {
  it('a destination added to the stored allow-list copy is refused: the signed policy decides', async () => {
    const b = await standIn({}, STRANGER);
    const counter = countingFetch();
    const refused = cashoutViaSmartAccount(
      request(b, { destination: STRANGER, allowedDestinations: [CASHOUT_ADDRESS, STRANGER], fetch: counter.fetch }),
    );
    await expect(refused).rejects.toBeInstanceOf(BadInputError);
    await expect(refused).rejects.toThrow(`cash-out to ${STRANGER} is outside the session key's policy (allowed: ${CASHOUT_ADDRESS}, ${SECOND_CASHOUT_ADDRESS})`);
    expect(b.calls).toEqual([]);
    expect(counter.count()).toBe(0);
  });

  it('a destination forged into the approval, permission id recomputed, is refused before any request', async () => {
    const b = await standIn({}, STRANGER);
    const counter = countingFetch();
    const forged = await widenApproval(fx.approved.approval, STRANGER, fx.session.address);
    const refused = cashoutViaSmartAccount(request(b, { approval: forged, destination: STRANGER, fetch: counter.fetch }));
    await expect(refused).rejects.toThrow(/is not signed by its owner/);
    await expect(refused).rejects.toBeInstanceOf(AuthenticationError);
    expect(b.calls).toEqual([]);
    expect(counter.count()).toBe(0);
  });
});

describe('remote failures', () => {
  it('reports a UserOperation the bundler refuses as a final ExchangeError', async () => {
    const b = await standIn();
    b.expect({
      sender: fx.approved.smartAccountAddress,
      sessionSigner: fx.session.address,
      transfer: { token: PUSD_ADDRESS, to: CASHOUT_ADDRESS, amount: AMOUNT + 1n },
    });
    await expect(cashoutViaSmartAccount(request(b))).rejects.toBeInstanceOf(ExchangeError);
    expect(b.accepted).toEqual([]);
    expect(b.rejected[0]!.message).toMatch(/not the expected transfer/);
  });

  it('reports an unreachable bundler as a retryable NetworkError', async () => {
    const b = await standIn();
    const url = b.url;
    await b.close();
    bundler = undefined;
    const error = await cashoutViaSmartAccount(request(b, { bundlerUrl: url })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
  });
});
