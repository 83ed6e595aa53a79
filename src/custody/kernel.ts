/**
 * Kernel v3.1 facts computed locally, exactly as the account computes them on chain, so an approval
 * can be checked (and signed for a chosen validator nonce) without trusting anything stored beside it:
 * who owns the account (from its initCode, bound to its address by CREATE2), the permission's enable
 * data and id, and the EIP-712 `Enable` message the owner signs.
 * Kernel v3.1 src/core/ValidationManager.sol (_enableDigest, _installPermission), src/Kernel.sol.
 */
import { getValidatorAddress } from '@zerodev/ecdsa-validator';
import type { ModularSigner, Policy } from '@zerodev/permissions';
import { toSignerId } from '@zerodev/permissions/signers';
import { KernelFactoryStakerAbi, KernelV3_1AccountAbi, KernelV3FactoryAbi } from '@zerodev/sdk';
import {
  concat,
  decodeFunctionData,
  encodeAbiParameters,
  getAddress,
  getContractAddress,
  isAddressEqual,
  keccak256,
  pad,
  parseAbiParameters,
  size,
  slice,
  zeroAddress,
  type Address,
  type Hex,
} from 'viem';
import { ENTRY_POINT, KERNEL_ADDRESSES, KERNEL_VERSION } from './constants.js';

/** Kernel's validation types (first byte of a ValidationId); the SDK's VALIDATOR_TYPE. */
const VALIDATION_TYPE = { root: '0x00', validator: '0x01', permission: '0x02' } as const;
/** The permission's signer entry carries this flag: the default, which deserializePermissionAccount rebuilds. */
export const PERMISSION_FLAG: Hex = '0x0000';
/** Kernel.execute(bytes32,bytes): the only selector a session permission is enabled for. */
export const EXECUTE_SELECTOR: Hex = '0xe9ae5c53';
/** The SDK's CALL_TYPE.DELEGATE_CALL, written into every selectorData it signs. */
const SELECTOR_CALL_TYPE: Hex = '0xff';

export const ECDSA_VALIDATOR: Address = getValidatorAddress(ENTRY_POINT, KERNEL_VERSION);

export interface KernelAccountOrigin {
  owner: Address;
  index: bigint;
}

/**
 * The owner and index an account was created with, read from its initCode (the meta factory's
 * deployWithFactory, or the Kernel factory's createAccount) and checked against the address CREATE2
 * gives for it. Throws when the initCode is not a Kernel v3.1 account rooted in the ECDSA validator.
 */
export function kernelAccountOrigin(initCode: Hex, account: Address): KernelAccountOrigin {
  let createData: Hex;
  let salt: Hex;
  try {
    const meta = decodeFunctionData({ abi: KernelFactoryStakerAbi, data: initCode });
    if (meta.functionName !== 'deployWithFactory') throw new Error(meta.functionName);
    const [factory, data, index] = meta.args as [Address, Hex, Hex];
    if (!isAddressEqual(factory, KERNEL_ADDRESSES.factoryAddress)) throw new Error(`factory ${factory} is not Kernel v3.1's`);
    [createData, salt] = [data, index];
  } catch {
    const direct = decodeFunctionData({ abi: KernelV3FactoryAbi, data: initCode });
    if (direct.functionName !== 'createAccount') throw new Error(`initCode calls ${direct.functionName}`);
    [createData, salt] = [direct.args[0] as Hex, pad(direct.args[1] as Hex, { size: 32 })];
  }
  const init = decodeFunctionData({ abi: KernelV3_1AccountAbi, data: createData });
  if (init.functionName !== 'initialize') throw new Error(`the account is created with ${init.functionName}`);
  const [rootValidator, hook, validatorData] = init.args as [Hex, Address, Hex, Hex, Hex[]];
  if (rootValidator.toLowerCase() !== concat([VALIDATION_TYPE.validator, ECDSA_VALIDATOR]).toLowerCase()) {
    throw new Error(`the account's root validator ${rootValidator} is not the ECDSA validator`);
  }
  if (!isAddressEqual(hook, zeroAddress) || size(validatorData) !== 20) throw new Error('the root validator is not a plain ECDSA owner');
  const created = getContractAddress({
    opcode: 'CREATE2',
    from: KERNEL_ADDRESSES.factoryAddress,
    salt: keccak256(concat([createData, salt])),
    bytecodeHash: KERNEL_ADDRESSES.initCodeHash!,
  });
  if (!isAddressEqual(created, account)) throw new Error(`the initCode creates ${created}, not ${account}`);
  return { owner: getAddress(validatorData), index: BigInt(salt) };
}

/** The bytes[] Kernel installs for a permission: each policy (flag|module|data), then the signer. */
export function permissionEnableData(policies: readonly Policy[], signer: ModularSigner): Hex {
  return encodeAbiParameters(
    [{ type: 'bytes[]' }],
    [
      [
        ...policies.map((policy) => concat([policy.getPolicyInfoInBytes(), policy.getPolicyData()])),
        concat([PERMISSION_FLAG, signer.signerContractAddress, signer.getSignerData()]),
      ],
    ],
  );
}

/** toPermissionValidator's getPermissionId: the first 4 bytes of the hash of policies, flag and signer. */
export function permissionIdOf(policies: readonly Policy[], signer: ModularSigner): Hex {
  const policyId = encodeAbiParameters(
    [{ type: 'bytes[]' }],
    [policies.map((policy) => concat([policy.getPolicyInfoInBytes(), policy.getPolicyData()]))],
  );
  return slice(keccak256(encodeAbiParameters([{ type: 'bytes[]' }], [[policyId, PERMISSION_FLAG, toSignerId(signer)]])), 0, 4);
}

/** selectorData as the SDK builds it for the permission's action (selector, executor, hook, init data). */
export function selectorData(action: { selector: Hex; address: Address; hook?: { address: Address } }): Hex {
  return concat([
    action.selector,
    action.address,
    action.hook?.address ?? zeroAddress,
    encodeAbiParameters(parseAbiParameters('bytes selectorInitData, bytes hookInitData'), [SELECTOR_CALL_TYPE, '0x0000']),
  ]);
}

export interface EnableMessage {
  account: Address;
  chainId: number;
  permissionId: Hex;
  /** Kernel's currentNonce when the permission is enabled (1 for a new account). */
  validatorNonce: number;
  enableData: Hex;
  selectorData: Hex;
}

/** The EIP-712 `Enable` typed data Kernel v3.1 checks against its root validator in enable mode. */
export function enableTypedData(message: EnableMessage) {
  return {
    domain: { name: 'Kernel', version: KERNEL_VERSION, chainId: message.chainId, verifyingContract: message.account },
    types: {
      Enable: [
        { name: 'validationId', type: 'bytes21' },
        { name: 'nonce', type: 'uint32' },
        { name: 'hook', type: 'address' },
        { name: 'validatorData', type: 'bytes' },
        { name: 'hookData', type: 'bytes' },
        { name: 'selectorData', type: 'bytes' },
      ],
    },
    primaryType: 'Enable',
    message: {
      validationId: permissionValidationId(message.permissionId),
      nonce: message.validatorNonce,
      hook: zeroAddress,
      validatorData: message.enableData,
      hookData: '0x',
      selectorData: message.selectorData,
    },
  } as const;
}

/** A permission's ValidationId: type byte 0x02, then the 4-byte id padded to 20 bytes. */
export function permissionValidationId(permissionId: Hex): Hex {
  return concat([VALIDATION_TYPE.permission, pad(permissionId, { size: 20, dir: 'right' })]);
}
