/**
 * The local check behind every refusal: an approval counts only for what its account's owner signed.
 * The policies are rebuilt from the approval as the account will install them, their enable data and
 * permission id recomputed for the session key, and the owner's EIP-712 `Enable` signature recovered
 * over them; the owner is the ECDSA key the account was created with (its initCode, bound to its
 * address). An approval edited after signing (a destination added to the transfer rule, another
 * permission id, another account) fails here, before any request, as it would fail on chain.
 */
import { toECDSASigner } from '@zerodev/permissions/signers';
import { addressToEmptyAccount } from '@zerodev/sdk';
import { getAddress, isAddressEqual, recoverTypedDataAddress, zeroAddress, type Address, type Hex } from 'viem';
import { AuthenticationError, BadInputError } from '../core/errors.js';
import { enableTypedData, EXECUTE_SELECTOR, kernelAccountOrigin, permissionEnableData, permissionIdOf, selectorData } from './kernel.js';
import { parseApproval, readApproval, readSessionPolicy, type SerializedApproval, type SessionPolicy } from './policy.js';

export interface VerifiedApproval {
  /** Decoded from the bytes the owner signed. */
  policy: SessionPolicy;
  /** The account's owner (its root ECDSA validator's key), who signed the approval. */
  owner: Address;
  accountIndex: bigint;
  sessionKeyAddress: Address;
  /** Kernel's validator nonce the approval was signed for. */
  validatorNonce: number;
}

const AGAIN = 'have the owner approve the session key again: `betmirror auth --smart-account --rotate` (or without --rotate on a new setup)';

export async function verifyApproval(approval: string, claim: { sessionKeyAddress: Address; chainId: number }): Promise<VerifiedApproval> {
  const parsed = parseApproval(approval);
  const { smartAccount, permissionId, policies } = readApproval(parsed);
  const policy = readSessionPolicy(policies, smartAccount, permissionId);
  const sessionKeyAddress = getAddress(claim.sessionKeyAddress);
  const signer = await toECDSASigner({ signer: addressToEmptyAccount(sessionKeyAddress) });
  if (permissionIdOf(policies, signer) !== permissionId) {
    throw new AuthenticationError(
      `the session key ${sessionKeyAddress} is not the key this smart-account approval was made for, or the approval's policy was edited`,
      { hint: AGAIN },
    );
  }
  const origin = accountOrigin(parsed, smartAccount);
  const validatorNonce = parsed.betmirror?.validatorNonce ?? 1;
  if (!Number.isInteger(validatorNonce) || validatorNonce < 1 || validatorNonce > 0xffffffff) {
    throw new BadInputError(`the smart-account approval names an impossible validator nonce: ${String(validatorNonce)}`, { hint: AGAIN });
  }
  const typedData = enableTypedData({
    account: smartAccount,
    chainId: claim.chainId,
    permissionId,
    validatorNonce,
    enableData: permissionEnableData(policies, signer),
    selectorData: selectorData(executeAction(parsed)),
  });
  const signature = parsed.enableSignature;
  const signedBy = signature && /^0x[0-9a-fA-F]{130}$/.test(signature) ? await recoverTypedDataAddress({ ...typedData, signature }).catch(() => undefined) : undefined;
  if (!signedBy || !isAddressEqual(signedBy, origin.owner)) {
    throw new AuthenticationError(
      `the smart-account approval for ${smartAccount} is not signed by its owner ${origin.owner} for chain ${claim.chainId}: it was changed after the owner signed it, or made for another chain`,
      { hint: AGAIN },
    );
  }
  return { policy, owner: origin.owner, accountIndex: origin.index, sessionKeyAddress, validatorNonce };
}

function accountOrigin(parsed: SerializedApproval, account: Address) {
  const initCode = parsed.accountParams?.initCode;
  if (!initCode || !/^0x[0-9a-fA-F]*$/.test(initCode)) throw new BadInputError('the smart-account approval has no account initCode', { hint: AGAIN });
  try {
    return kernelAccountOrigin(initCode, account);
  } catch (cause) {
    throw new BadInputError(`the smart-account approval is not for a Kernel v3.1 account owned by an ECDSA key: ${(cause as Error).message}`, { cause, hint: AGAIN });
  }
}

/** The only action a session permission is enabled for: Kernel's own execute, no executor, no hook. */
function executeAction(parsed: SerializedApproval): { selector: Hex; address: Address } {
  const action = parsed.action;
  const plain = action?.selector?.toLowerCase() === EXECUTE_SELECTOR && action.address !== undefined && isAddressEqual(action.address, zeroAddress) && !action.hook;
  if (!plain) throw new BadInputError('the smart-account approval enables the session key for something other than execute', { hint: AGAIN });
  return { selector: EXECUTE_SELECTOR, address: zeroAddress };
}
