/**
 * Owner side, after set-up: revoke the session key, or rotate it (a new key, a new approval, the old
 * one revoked), each in one sponsored UserOperation signed by the owner's key through the account's
 * root ECDSA validator. The owner's key lives in memory for the duration of the call.
 *
 * Revocation is Kernel v3.1's own: `invalidateNonce(currentNonce + 1)` raises validNonceFrom above the
 * nonce every existing permission was enabled at (validateUserOp then refuses it) and moves
 * currentNonce, so an approval not used yet (its enable signature was made for an older nonce) can no
 * longer be enabled; and, when the permission is installed, `uninstallValidation` removes it with its
 * policies' state. A new approval is signed for the nonce the revocation sets.
 * Kernel v3.1: src/Kernel.sol (validateUserOp, invalidateNonce, uninstallValidation), src/core/ValidationManager.sol.
 */
import { getKernelAddressFromECDSA, signerToEcdsaValidator } from '@zerodev/ecdsa-validator';
import { toECDSASigner } from '@zerodev/permissions/signers';
import { addressToEmptyAccount, createKernelAccount, KernelV3_1AccountAbi } from '@zerodev/sdk';
import { encodeFunctionData, getAddress, isAddressEqual, isHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { BadInputError, OutcomeUnknownError } from '../core/errors.js';
import { approveSessionKey, generateSessionKey, type SessionApproval, type SessionKey } from './approval.js';
import { isPermissionInstalled, readKernelAccountState } from './chain-state.js';
import { publicClientFor } from './clients.js';
import { ENTRY_POINT, KERNEL_ADDRESSES, KERNEL_VERSION } from './constants.js';
import { permissionEnableData, permissionValidationId } from './kernel.js';
import type { SessionLimits } from './limits.js';
import { parseApproval, readApproval } from './policy.js';
import { sendSponsoredUserOperation, type BundlerEndpoints } from './send.js';
import { verifyApproval } from './verify.js';

export interface OwnerRequest extends BundlerEndpoints {
  /** Used once, in memory; never stored or returned. */
  ownerPrivateKey: Hex;
  smartAccount: Address;
  /** The approval of the session key to revoke (from the profile), and that key's address. */
  approval: string;
  sessionKeyAddress: Address;
}

export interface SessionRevocation {
  smartAccount: Address;
  owner: Address;
  revokedSessionKey: Address;
  permissionId: Hex;
  /** The permission was installed on chain and is uninstalled; otherwise the nonce alone voids its approval. */
  uninstalled: boolean;
  /** Kernel's validNonceFrom (and currentNonce) once included: approvals signed for a lower nonce are void. */
  validNonceFrom: number;
  userOpHash: Hex;
  txHash: Hex;
  /** The account's calls to itself, in order. */
  calls: Array<{ functionName: 'uninstallValidation' | 'invalidateNonce'; data: Hex }>;
}

interface PlannedRevocation {
  owner: ReturnType<typeof privateKeyToAccount>;
  index: bigint;
  permissionId: Hex;
  calls: SessionRevocation['calls'];
  validNonceFrom: number;
}

/**
 * Local checks first (the owner key owns the account), then the chain's state: whether the account is
 * deployed, its validator nonce, whether the permission is installed.
 */
async function planRevocation(request: OwnerRequest): Promise<PlannedRevocation> {
  if (!isHex(request.ownerPrivateKey) || request.ownerPrivateKey.length !== 66) throw new BadInputError('the owner key must be a 32-byte hex private key');
  const owner = privateKeyToAccount(request.ownerPrivateKey);
  const smartAccount = getAddress(request.smartAccount);
  // The approval tells which permission to uninstall and with what data; an approval that does not
  // verify (edited, or not this key's) cannot, and the nonce alone then revokes every session key.
  const verified = await verifyApproval(request.approval, { sessionKeyAddress: request.sessionKeyAddress, chainId: request.chainId }).catch(() => undefined);
  const index = verified?.accountIndex ?? 0n;
  const ownerAccount = await getKernelAddressFromECDSA({
    entryPoint: ENTRY_POINT,
    kernelVersion: KERNEL_VERSION,
    eoaAddress: owner.address,
    index,
    initCodeHash: KERNEL_ADDRESSES.initCodeHash!,
  });
  if (!isAddressEqual(ownerAccount, smartAccount)) {
    throw new BadInputError(`the owner key ${owner.address} does not own the smart account ${smartAccount}${verified ? ` (its owner is ${verified.owner})` : ''}`, {
      hint: "give the key of the account's owner (BETMIRROR_OWNER_PRIVATE_KEY, or at the prompt)",
    });
  }
  const client = publicClientFor(request);
  const state = await readKernelAccountState(client, smartAccount);
  const permissionId = verified?.policy.permissionId ?? readApproval(parseApproval(request.approval)).permissionId;
  const calls: SessionRevocation['calls'] = [];
  if (verified && state.deployed && (await isPermissionInstalled(client, smartAccount, permissionId))) {
    const { policies } = readApproval(parseApproval(request.approval));
    const signer = await toECDSASigner({ signer: addressToEmptyAccount(verified.sessionKeyAddress) });
    // Kernel hands each policy (and the signer) its entry of this list on uninstall; it must count them.
    const deinit = permissionEnableData(policies, signer);
    calls.push({
      functionName: 'uninstallValidation',
      data: encodeFunctionData({ abi: KernelV3_1AccountAbi, functionName: 'uninstallValidation', args: [permissionValidationId(permissionId), deinit, '0x'] }),
    });
  }
  const validNonceFrom = state.validatorNonce + 1;
  calls.push({ functionName: 'invalidateNonce', data: encodeFunctionData({ abi: KernelV3_1AccountAbi, functionName: 'invalidateNonce', args: [validNonceFrom] }) });
  return { owner, index, permissionId, calls, validNonceFrom };
}

async function sendRevocation(request: OwnerRequest, plan: PlannedRevocation): Promise<SessionRevocation> {
  const client = publicClientFor(request);
  const smartAccount = getAddress(request.smartAccount);
  const sudo = await signerToEcdsaValidator(client, { signer: plan.owner, entryPoint: ENTRY_POINT, kernelVersion: KERNEL_VERSION });
  const account = await createKernelAccount(client, { entryPoint: ENTRY_POINT, kernelVersion: KERNEL_VERSION, plugins: { sudo }, index: plan.index, address: smartAccount });
  const sent = await sendSponsoredUserOperation(
    'revocation',
    account,
    client,
    plan.calls.map((call) => ({ to: smartAccount, data: call.data })),
    { ...request, receiptTimeoutMs: request.receiptTimeoutMs || 60_000 },
  );
  if (!sent.txHash) {
    throw new OutcomeUnknownError(`the revocation ${sent.userOpHash} was accepted by the bundler but not seen included: nothing was saved`, {
      hint: 'check the UserOperation on a block explorer; running the same command again is safe (it revokes again)',
      info: { userOpHash: sent.userOpHash },
    });
  }
  return {
    smartAccount,
    owner: plan.owner.address,
    revokedSessionKey: getAddress(request.sessionKeyAddress),
    permissionId: plan.permissionId,
    uninstalled: plan.calls.some((call) => call.functionName === 'uninstallValidation'),
    validNonceFrom: plan.validNonceFrom,
    userOpHash: sent.userOpHash,
    txHash: sent.txHash,
    calls: plan.calls,
  };
}

/** Revokes the session key on chain; waits for inclusion (OutcomeUnknownError when not seen). */
export async function revokeSessionKey(request: OwnerRequest): Promise<SessionRevocation> {
  return sendRevocation(request, await planRevocation(request));
}

export interface RotateRequest extends OwnerRequest {
  collateral: Address;
  /** Where cash-outs may go under the new key; default: the old approval's destinations. */
  cashoutDestinations?: readonly Address[];
  limits: SessionLimits;
}

export interface SessionRotation {
  session: SessionKey;
  approved: SessionApproval;
  revocation: SessionRevocation;
}

/**
 * A new session key approved for the nonce the revocation sets, then the old one revoked. The new
 * approval is signed before anything is sent, so a failure leaves the old key as it was; it becomes
 * usable once the revocation is included (which this waits for).
 */
export async function rotateSessionKey(request: RotateRequest): Promise<SessionRotation> {
  const plan = await planRevocation(request);
  const destinations =
    request.cashoutDestinations ??
    (await verifyApproval(request.approval, { sessionKeyAddress: request.sessionKeyAddress, chainId: request.chainId }).catch(() => {
      throw new BadInputError('the current approval does not verify, so its destinations cannot be carried over', {
        hint: 'say where cash-outs may go under the new key: --cashout-to <address>',
      });
    })).policy.transferDestinations;
  const session = generateSessionKey();
  const approved = await approveSessionKey({
    ownerPrivateKey: request.ownerPrivateKey,
    sessionKeyAddress: session.address,
    chainId: request.chainId,
    rpcUrl: request.rpcUrl,
    collateral: request.collateral,
    cashoutDestinations: destinations,
    limits: request.limits,
    accountIndex: plan.index,
    validatorNonce: plan.validNonceFrom,
    ...(request.fetch ? { fetch: request.fetch } : {}),
  });
  if (!isAddressEqual(approved.smartAccountAddress, request.smartAccount)) {
    throw new BadInputError(`the new approval is for ${approved.smartAccountAddress}, not ${request.smartAccount}`);
  }
  const revocation = await sendRevocation(request, plan);
  return { session, approved, revocation };
}
