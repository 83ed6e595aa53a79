/**
 * What the owner's side reads from the chain about the Kernel account before signing: whether it is
 * deployed, and its validator nonce (the `nonce` of the EIP-712 Enable message; 1 until deployed).
 * Unlike the SDK's getKernelV3Nonce, a failed read is an error, not a silent 1: a signature for the
 * wrong nonce would only be refused later, on chain.
 */
import { KernelV3_1AccountAbi } from '@zerodev/sdk';
import { zeroAddress, type Address, type Hex, type PublicClient } from 'viem';
import { NetworkError } from '../core/errors.js';

export interface KernelAccountState {
  deployed: boolean;
  /** Kernel's currentNonce (1 for an account not deployed yet). */
  validatorNonce: number;
}

export async function readKernelAccountState(client: PublicClient, account: Address): Promise<KernelAccountState> {
  const read = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (cause) {
      throw new NetworkError(`could not read ${what} of the smart account ${account}`, { cause });
    }
  };
  const code = await read('the code', () => client.getCode({ address: account }));
  if (!code || code === '0x') return { deployed: false, validatorNonce: 1 };
  const nonce = await read('the validator nonce', () => client.readContract({ address: account, abi: KernelV3_1AccountAbi, functionName: 'currentNonce' }));
  return { deployed: true, validatorNonce: Math.max(Number(nonce), 1) };
}

/** Whether Kernel has a permission installed under this id (its signer is set while installed). */
export async function isPermissionInstalled(client: PublicClient, account: Address, permissionId: Hex): Promise<boolean> {
  try {
    const config = await client.readContract({ address: account, abi: KernelV3_1AccountAbi, functionName: 'permissionConfig', args: [permissionId] });
    return config.signer !== zeroAddress;
  } catch (cause) {
    throw new NetworkError(`could not read permission ${permissionId} of the smart account ${account}`, { cause });
  }
}
