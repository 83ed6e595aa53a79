/**
 * Bot side: load the smart account from the approval with only the session key, after checking
 * locally that the key is the one the owner approved.
 */
import { deserializePermissionAccount, type Policy } from '@zerodev/permissions';
import {
  toCallPolicy,
  toPolicyId,
  toSignatureCallerPolicy,
  type CallPolicyParams,
  type SignatureCallerPolicyParams,
} from '@zerodev/permissions/policies';
import { toECDSASigner, toSignerId } from '@zerodev/permissions/signers';
import { PolicyFlags } from '@zerodev/permissions';
import { encodeAbiParameters, isHex, keccak256, slice, type Address, type Hex, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { AuthenticationError, BadInputError } from '../core/errors.js';
import { ENTRY_POINT, KERNEL_VERSION } from './constants.js';
import { parseApproval } from './policy.js';

/** Throws AuthenticationError unless `sessionKey` is the key the approval was made for. No network. */
export async function assertSessionKeyMatches(approval: string, sessionKey: Hex): Promise<Address> {
  if (!isHex(sessionKey) || sessionKey.length !== 66) {
    throw new BadInputError('the session key must be a 32-byte hex private key');
  }
  const address = privateKeyToAccount(sessionKey).address;
  const parsed = parseApproval(approval);
  const serialized = parsed.permissionParams?.policies ?? [];
  const policies = serialized.map(({ policyParams }) => rebuildPolicy(policyParams));
  const signer = await toECDSASigner({ signer: privateKeyToAccount(sessionKey) });
  // Same derivation as toPermissionValidator's getPermissionId, with the default flag that
  // deserializePermissionAccount uses.
  const expected = slice(
    keccak256(
      encodeAbiParameters([{ type: 'bytes[]' }], [[toPolicyId(policies), PolicyFlags.FOR_ALL_VALIDATION, toSignerId(signer)]]),
    ),
    0,
    4,
  );
  if (expected !== parsed.permissionParams?.permissionId) {
    throw new AuthenticationError(`the session key ${address} is not the key this smart-account approval was made for`, {
      hint: 'run `betmirror auth --smart-account` again to approve the current session key',
    });
  }
  return address;
}

function rebuildPolicy(params: unknown): Policy {
  const typed = params as { type?: string };
  if (typed?.type === 'call') return toCallPolicy(params as CallPolicyParams);
  if (typed?.type === 'signature-caller') return toSignatureCallerPolicy(params as SignatureCallerPolicyParams);
  throw new BadInputError(`the smart-account approval holds a policy this version does not use: ${typed?.type}`);
}

/** deserializePermissionAccount with the session key as the permission's ECDSA signer. */
export async function loadSessionAccount(client: PublicClient, approval: string, sessionKey: Hex) {
  const signer = await toECDSASigner({ signer: privateKeyToAccount(sessionKey) });
  return deserializePermissionAccount(client, ENTRY_POINT, KERNEL_VERSION, approval, signer);
}
