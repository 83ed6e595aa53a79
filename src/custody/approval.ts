/**
 * Owner side, run once at `auth --smart-account`: the owner's key builds the Kernel v3.1 account and
 * signs the enable data of a restricted permission for the session key. Only the session key's
 * ADDRESS is involved here; the owner's key lives in memory for the duration of this call.
 * https://docs.zerodev.app/smart-accounts/permissions/1-click-trading (owner-agent pattern)
 */
import { getKernelAddressFromECDSA, signerToEcdsaValidator } from '@zerodev/ecdsa-validator';
import { serializePermissionAccount, toPermissionValidator } from '@zerodev/permissions';
import { toECDSASigner } from '@zerodev/permissions/signers';
import { addressToEmptyAccount, createKernelAccount } from '@zerodev/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { getAddress, isAddress, isHex, type Address, type Hex } from 'viem';
import { AuthenticationError, BadInputError, NetworkError } from '../core/errors.js';
import { publicClientFor } from './clients.js';
import { readKernelAccountState } from './chain-state.js';
import { ENTRY_POINT, KERNEL_ADDRESSES, KERNEL_VERSION, POLYMARKET_EXCHANGES } from './constants.js';
import { enableTypedData, selectorData } from './kernel.js';
import type { SessionLimits } from './limits.js';
import { buildSessionPolicies, type SessionPolicy } from './policy.js';
import { verifyApproval } from './verify.js';

export interface SessionKey {
  /** Keep it in the encrypted secret store; it is the only secret the bot holds. */
  privateKey: Hex;
  address: Address;
}

export function generateSessionKey(): SessionKey {
  const privateKey = generatePrivateKey();
  return { privateKey, address: privateKeyToAccount(privateKey).address };
}

export interface ApproveSessionKeyRequest {
  /** Used once, in memory, to sign the permission; never stored or returned. */
  ownerPrivateKey: Hex;
  sessionKeyAddress: Address;
  chainId: number;
  rpcUrl: string;
  collateral: Address;
  cashoutDestinations: readonly Address[];
  /** Expiry and rate limit written into the permission (see sessionLimits); without: unlimited. */
  limits?: SessionLimits;
  /** Spenders the session key may approve; default: Polymarket's two V2 exchanges. */
  exchangeSpenders?: readonly Address[];
  /** Kernel account index of the owner (default 0). */
  accountIndex?: bigint;
  /**
   * Kernel's validator nonce to sign the enable data for; default: the account's current one. A
   * rotation signs for the nonce its revocation sets, before that revocation is included.
   */
  validatorNonce?: number;
  fetch?: typeof fetch;
}

export interface SessionApproval {
  /** serializePermissionAccount(...) output: store it with the session key. Holds no secret. */
  approval: string;
  smartAccountAddress: Address;
  ownerAddress: Address;
  sessionKeyAddress: Address;
  policy: SessionPolicy;
  validatorNonce: number;
}

export async function approveSessionKey(request: ApproveSessionKeyRequest): Promise<SessionApproval> {
  if (!isHex(request.ownerPrivateKey) || request.ownerPrivateKey.length !== 66) {
    throw new BadInputError('the owner key must be a 32-byte hex private key');
  }
  if (!isAddress(request.sessionKeyAddress)) {
    throw new BadInputError(`session key address is not an address: ${request.sessionKeyAddress}`);
  }
  const owner = privateKeyToAccount(request.ownerPrivateKey);
  const sessionKeyAddress = getAddress(request.sessionKeyAddress);
  if (sessionKeyAddress === owner.address) {
    throw new BadInputError('the session key must not be the owner key');
  }
  const policies = buildSessionPolicies({
    collateral: request.collateral,
    cashoutDestinations: request.cashoutDestinations,
    exchangeSpenders: request.exchangeSpenders ?? POLYMARKET_EXCHANGES,
    ...(request.limits ? { limits: request.limits } : {}),
  });
  const client = publicClientFor(request);
  const index = request.accountIndex ?? 0n;
  // The owner's signature is bound to the chain id: make sure the RPC answers, for the chain we sign for.
  const remoteChainId = await client.getChainId().catch((cause: unknown) => {
    throw new NetworkError(`the RPC ${request.rpcUrl} did not answer`, { cause });
  });
  if (remoteChainId !== request.chainId) {
    throw new BadInputError(`the RPC serves chain ${remoteChainId}, not chain ${request.chainId}`);
  }

  const sudo = await signerToEcdsaValidator(client, { signer: owner, entryPoint: ENTRY_POINT, kernelVersion: KERNEL_VERSION });
  const regular = await toPermissionValidator(client, {
    signer: await toECDSASigner({ signer: addressToEmptyAccount(sessionKeyAddress) }),
    policies,
    entryPoint: ENTRY_POINT,
    kernelVersion: KERNEL_VERSION,
  });
  // CREATE2 of Kernel's factory, computed off-chain: the same address EntryPoint.getSenderAddress
  // returns, without needing the factory's code on the RPC's chain.
  const address = await getKernelAddressFromECDSA({
    entryPoint: ENTRY_POINT,
    kernelVersion: KERNEL_VERSION,
    eoaAddress: owner.address,
    index,
    initCodeHash: KERNEL_ADDRESSES.initCodeHash!,
  });
  const account = await createKernelAccount(client, {
    entryPoint: ENTRY_POINT,
    kernelVersion: KERNEL_VERSION,
    plugins: { sudo, regular },
    index,
    address,
  });
  const validatorNonce = request.validatorNonce ?? (await readKernelAccountState(client, address)).validatorNonce;
  let approval: string;
  try {
    // Signed here rather than by the SDK (which reads the nonce itself, and defaults to 1 when the
    // read fails) so that the nonce is the one chosen, and can be written into the approval for the
    // local check (verify.ts) to recompute what was signed.
    const enableSignature = await owner.signTypedData(
      enableTypedData({
        account: address,
        chainId: request.chainId,
        permissionId: regular.getIdentifier(),
        validatorNonce,
        enableData: await regular.getEnableData(address),
        selectorData: selectorData(account.kernelPluginManager.getAction()),
      }),
    );
    approval = withValidatorNonce(await serializePermissionAccount(account, undefined, enableSignature), validatorNonce);
  } catch (cause) {
    throw new AuthenticationError('the owner could not sign the session-key permission', { cause });
  }
  // The same check every cash-out makes: what was just signed must read back as the policy asked for.
  const verified = await verifyApproval(approval, { sessionKeyAddress, chainId: request.chainId });
  return {
    approval,
    smartAccountAddress: account.address,
    ownerAddress: owner.address,
    sessionKeyAddress,
    policy: verified.policy,
    validatorNonce,
  };
}

/** The SDK's serialized approval with the signed validator nonce beside it (the SDK ignores the field). */
function withValidatorNonce(approval: string, validatorNonce: number): string {
  const json = JSON.parse(Buffer.from(approval, 'base64').toString('utf8')) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...json, betmirror: { validatorNonce } }), 'utf8').toString('base64');
}
