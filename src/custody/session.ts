/**
 * Bot side: load the smart account from the approval with only the session key, after checking
 * locally that the key is the one the owner approved (verify.ts).
 */
import { deserializePermissionAccount } from '@zerodev/permissions';
import { toECDSASigner } from '@zerodev/permissions/signers';
import { isHex, type Hex, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { BadInputError } from '../core/errors.js';
import { ENTRY_POINT, KERNEL_VERSION } from './constants.js';
import { verifyApproval, type VerifiedApproval } from './verify.js';

/**
 * Throws unless `sessionKey` is the key the approval was made for and the account's owner signed the
 * approval as it stands, for `chainId`. No network.
 */
export async function assertSessionKeyMatches(approval: string, sessionKey: Hex, chainId: number): Promise<VerifiedApproval> {
  if (!isHex(sessionKey) || sessionKey.length !== 66) {
    throw new BadInputError('the session key must be a 32-byte hex private key');
  }
  return verifyApproval(approval, { sessionKeyAddress: privateKeyToAccount(sessionKey).address, chainId });
}

/** deserializePermissionAccount with the session key as the permission's ECDSA signer. */
export async function loadSessionAccount(client: PublicClient, approval: string, sessionKey: Hex) {
  const signer = await toECDSASigner({ signer: privateKeyToAccount(sessionKey) });
  return deserializePermissionAccount(client, ENTRY_POINT, KERNEL_VERSION, approval, signer);
}
