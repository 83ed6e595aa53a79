/**
 * Protocol-level reading of a Kernel v3 UserOperation (EntryPoint 0.7), as a bundler and the account
 * would read it: nonce key -> validator, callData -> execute(mode, target|value|data), signature ->
 * enable data + session signature, initCode -> counterfactual address. Nothing is executed.
 */
import { KernelV3_1AccountAbi, KernelV3FactoryAbi, KernelFactoryStakerAbi } from '@zerodev/sdk';
import { KernelVersionToAddressesMap } from '@zerodev/sdk/constants';
import { RATE_LIMIT_POLICY_CONTRACT, TIMESTAMP_POLICY_CONTRACT } from '@zerodev/permissions';
import {
  concat,
  decodeAbiParameters,
  decodeFunctionData,
  getAbiItem,
  getAddress,
  getContractAddress,
  hashMessage,
  hexToBigInt,
  keccak256,
  pad,
  recoverAddress,
  recoverTypedDataAddress,
  size,
  slice,
  toFunctionSelector,
  toHex,
  type Address,
  type Hex,
} from 'viem';
import { getUserOperationHash, type UserOperation } from 'viem/account-abstraction';

export type RpcUserOperation = Record<string, Hex | undefined>;

const BIGINT_FIELDS = [
  'nonce',
  'callGasLimit',
  'verificationGasLimit',
  'preVerificationGas',
  'maxFeePerGas',
  'maxPriorityFeePerGas',
  'paymasterVerificationGasLimit',
  'paymasterPostOpGasLimit',
] as const;

/** JSON-RPC (hex) form -> viem's UserOperation<'0.7'>. */
export function parseUserOperation(raw: RpcUserOperation): UserOperation<'0.7'> {
  if (!raw?.sender || !raw.callData || raw.nonce === undefined) throw new Error('not a v0.7 UserOperation');
  const op: Record<string, unknown> = { ...raw, sender: getAddress(raw.sender) };
  for (const field of BIGINT_FIELDS) if (raw[field] !== undefined) op[field] = hexToBigInt(raw[field]!);
  op.signature = raw.signature ?? '0x';
  return op as unknown as UserOperation<'0.7'>;
}

export type ValidationType = 'root' | 'validator' | 'permission';

export interface Call {
  target: Address;
  value: bigint;
  data: Hex;
}

export interface EnableData {
  hook: Address;
  validatorData: Hex;
  hookData: Hex;
  selectorData: Hex;
  enableSignature: Hex;
  /** Installed policies (flag + module address), in order. */
  policies: Array<{ flag: Hex; address: Address; data: Hex }>;
  /** The permission's signer module and the key it accepts. */
  signerModule: Address;
  signerKey: Address;
}

export interface DecodedUserOperation {
  sender: Address;
  nonceKey: bigint;
  sequence: bigint;
  validatorMode: 'default' | 'enable';
  validationType: ValidationType;
  /** For a permission: its 4-byte id; for a validator: its address. */
  validationId: Hex;
  /** Every call of Kernel's execute, in order (one for a single-call execute, several for a batch). */
  calls: Call[];
  /** The call of a single-call execute (undefined for a batch). */
  call?: Call;
  transfer?: { token: Address; to: Address; amount: bigint };
  enable?: EnableData;
  /** The validator's part of the signature (for a permission: policy sigs, 0xff, the ECDSA signature). */
  userOpSignature: Hex;
  factory?: Address;
  factoryData?: Hex;
  paymaster?: Address;
  paymasterData?: Hex;
}

const VALIDATION_TYPES: Record<number, ValidationType> = { 0: 'root', 1: 'validator', 2: 'permission' };

export function decodeKernelUserOperation(op: UserOperation<'0.7'>): DecodedUserOperation {
  // nonce = key(24 bytes: mode | type | identifier(20) | custom(2)) << 64 | sequence
  const nonce = pad(toHex(op.nonce), { size: 32 });
  const mode = Number(slice(nonce, 0, 1));
  const type = VALIDATION_TYPES[Number(slice(nonce, 1, 2))];
  if (!type || mode > 1) throw new Error(`nonce key selects no Kernel validator: ${nonce}`);
  const identifier = slice(nonce, 2, 22);
  const decoded: DecodedUserOperation = {
    sender: op.sender,
    nonceKey: op.nonce >> 64n,
    sequence: op.nonce & 0xffffffffffffffffn,
    validatorMode: mode === 1 ? 'enable' : 'default',
    validationType: type,
    validationId: type === 'permission' ? slice(identifier, 0, 4) : identifier,
    userOpSignature: op.signature,
    factory: op.factory ? getAddress(op.factory) : undefined,
    factoryData: op.factoryData,
    paymaster: op.paymaster ? getAddress(op.paymaster) : undefined,
    paymasterData: op.paymasterData,
    calls: isExecute(op.callData) ? decodeExecute(op.callData) : [{ target: op.sender, value: 0n, data: op.callData }],
  };
  decoded.call = !isExecute(op.callData) || execMode(op.callData) === 'single' ? decoded.calls[0] : undefined;
  decoded.transfer = decoded.call && decodeTransfer(decoded.call);
  if (decoded.validatorMode === 'enable') {
    decoded.enable = decodeEnable(op.signature);
    decoded.userOpSignature = decodeAbiParameters(ENABLE_PARAMS, slice(op.signature, 20))[4];
  }
  return decoded;
}

/**
 * Whether callData goes through Kernel's execute. Otherwise it is a call of the account's own function
 * by the EntryPoint: the SDK sends a single call to the account itself that way (Kernel allows it for
 * the root validator; a permission is only enabled for execute).
 */
function isExecute(callData: Hex): boolean {
  return size(callData) >= 4 && slice(callData, 0, 4) === toFunctionSelector(getAbiItem({ abi: KernelV3_1AccountAbi, name: 'execute' }));
}

/** The call type byte of Kernel v3's execute(bytes32 mode, bytes executionCalldata) (ERC-7579). */
function execMode(callData: Hex): 'single' | 'batch' {
  const { functionName, args } = decodeFunctionData({ abi: KernelV3_1AccountAbi, data: callData });
  if (functionName !== 'execute') throw new Error(`callData is ${functionName}, not execute`);
  const callType = slice((args as [Hex, Hex])[0], 0, 1);
  if (callType === '0x00') return 'single';
  if (callType === '0x01') return 'batch';
  throw new Error(`execute mode ${(args as [Hex, Hex])[0]} is neither a single call nor a batch`);
}

/** Single call: target(20) | value(32) | data; batch: abi.encode((address,uint256,bytes)[]). */
function decodeExecute(callData: Hex): Call[] {
  const mode = execMode(callData);
  const execution = (decodeFunctionData({ abi: KernelV3_1AccountAbi, data: callData }).args as [Hex, Hex])[1];
  if (mode === 'single') {
    return [
      {
        target: getAddress(slice(execution, 0, 20)),
        value: hexToBigInt(slice(execution, 20, 52)),
        data: size(execution) > 52 ? slice(execution, 52) : '0x',
      },
    ];
  }
  const [batch] = decodeAbiParameters([{ type: 'tuple[]', components: [{ type: 'address' }, { type: 'uint256' }, { type: 'bytes' }] }], execution);
  return batch.map(([target, value, data]) => ({ target: getAddress(target), value, data }));
}

/** A call of the account to itself, decoded with Kernel's ABI (for the owner's management operations). */
export function decodeSelfCall(data: Hex): { functionName: string; args: readonly unknown[] } {
  const { functionName, args } = decodeFunctionData({ abi: KernelV3_1AccountAbi, data });
  return { functionName, args: args ?? [] };
}

/** The expiry and rate limit a permission's policies impose (ZeroDev TimestampPolicy, RateLimitPolicy). */
export interface PolicyLimits {
  timestamp?: { validAfter: number; validUntil: number };
  rateLimit?: { interval: number; count: number; startAt: number };
}

export function decodePolicyLimits(policies: EnableData['policies']): PolicyLimits {
  const limits: PolicyLimits = {};
  for (const policy of policies) {
    if (policy.address === getAddress(TIMESTAMP_POLICY_CONTRACT)) {
      const [validAfter, validUntil] = decodeAbiParameters([{ type: 'uint48' }, { type: 'uint48' }], policy.data);
      limits.timestamp = { validAfter, validUntil };
    } else if (policy.address === getAddress(RATE_LIMIT_POLICY_CONTRACT)) {
      const field = (index: number) => Number(hexToBigInt(slice(policy.data, index * 6, index * 6 + 6)));
      limits.rateLimit = { interval: field(0), count: field(1), startAt: field(2) };
    }
  }
  return limits;
}

function decodeTransfer(call: NonNullable<DecodedUserOperation['call']>): DecodedUserOperation['transfer'] {
  if (size(call.data) !== 68 || slice(call.data, 0, 4) !== '0xa9059cbb') return undefined;
  const [to, amount] = decodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], slice(call.data, 4));
  return { token: call.target, to: getAddress(to), amount };
}

const ENABLE_PARAMS = [
  { type: 'bytes' }, // validatorData
  { type: 'bytes' }, // hookData
  { type: 'bytes' }, // selectorData
  { type: 'bytes' }, // enableSig
  { type: 'bytes' }, // userOpSig
] as const;

/** signature = hook(20) || abi.encode(validatorData, hookData, selectorData, enableSig, userOpSig). */
function decodeEnable(signature: Hex): EnableData {
  const hook = getAddress(slice(signature, 0, 20));
  const [validatorData, hookData, selectorData, enableSignature] = decodeAbiParameters(ENABLE_PARAMS, slice(signature, 20));
  // A permission's enable data: bytes[] of flag(2)|module(20)|data, the signer last.
  const [entries] = decodeAbiParameters([{ type: 'bytes[]' }], validatorData);
  if (entries.length < 1) throw new Error('permission enable data has no signer');
  const split = (entry: Hex) => ({ flag: slice(entry, 0, 2), address: getAddress(slice(entry, 2, 22)), data: slice(entry, 22) });
  const signer = split(entries[entries.length - 1]!);
  return {
    hook,
    validatorData,
    hookData,
    selectorData,
    enableSignature,
    policies: entries.slice(0, -1).map(split),
    signerModule: signer.address,
    signerKey: getAddress(slice(signer.data, 0, 20)),
  };
}

export function userOperationHash(op: UserOperation<'0.7'>, chainId: number, entryPoint: Address): Hex {
  return getUserOperationHash({ userOperation: op, entryPointAddress: entryPoint, entryPointVersion: '0.7', chainId });
}

/** The keys that could have signed the hash with a root ECDSA validator signature (EIP-191 form, or raw). */
export async function recoverRootSigners(decoded: DecodedUserOperation, hash: Hex): Promise<{ eip191: Address; raw: Address }> {
  const sig = decoded.userOpSignature;
  if (size(sig) !== 65) throw new Error('root validator signature is not a 65-byte ECDSA signature');
  return {
    eip191: await recoverAddress({ hash: hashMessage({ raw: hash }), signature: sig }),
    raw: await recoverAddress({ hash, signature: sig }),
  };
}

/** The owner a Kernel v3.1 initCode roots the account in (the ECDSA validator's data). */
export function initCodeOwner(factory: Address, factoryData: Hex): Address {
  const createData = kernelCreateData(factory, factoryData).data;
  const init = decodeFunctionData({ abi: KernelV3_1AccountAbi, data: createData });
  if (init.functionName !== 'initialize') throw new Error(`the account is created with ${init.functionName}`);
  return getAddress(slice(init.args[2] as Hex, 0, 20));
}

/**
 * The keys that could have signed the UserOperation hash, as Kernel's ECDSASigner accepts it: over the
 * EIP-191 form (what the SDK signs) or the raw hash. Permission signatures carry the 0xff prefix
 * ("no more policy signatures, the signer's follows").
 */
export async function recoverSessionSigners(decoded: DecodedUserOperation, hash: Hex): Promise<{ eip191: Address; raw: Address }> {
  const sig = decoded.userOpSignature;
  if (size(sig) !== 66 || slice(sig, 0, 1) !== '0xff') throw new Error('permission signature is not 0xff || 65-byte ECDSA');
  const ecdsa = slice(sig, 1);
  return {
    eip191: await recoverAddress({ hash: hashMessage({ raw: hash }), signature: ecdsa }),
    raw: await recoverAddress({ hash, signature: ecdsa }),
  };
}

/** Recovers who signed the Enable typed data (Kernel's EIP-712 domain, verifyingContract = account). */
export async function recoverEnableSigner(
  decoded: DecodedUserOperation,
  chainId: number,
  validatorNonce = 1,
): Promise<Address> {
  if (!decoded.enable) throw new Error('not an enable-mode UserOperation');
  const e = decoded.enable;
  return recoverTypedDataAddress({
    domain: { name: 'Kernel', version: '0.3.1', chainId, verifyingContract: decoded.sender },
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
      validationId: concat(['0x02', pad(decoded.validationId, { size: 20, dir: 'right' })]),
      nonce: validatorNonce,
      hook: e.hook,
      validatorData: e.validatorData,
      hookData: e.hookData,
      selectorData: e.selectorData,
    },
    signature: e.enableSignature,
  });
}

/** The Kernel factory's createAccount data and salt, behind the meta factory or not. */
function kernelCreateData(factory: Address, factoryData: Hex): { data: Hex; salt: Hex } {
  const addresses = KernelVersionToAddressesMap['0.3.1'];
  if (factory.toLowerCase() === addresses.metaFactoryAddress!.toLowerCase()) {
    const call = decodeFunctionData({ abi: KernelFactoryStakerAbi, data: factoryData });
    if (call.functionName !== 'deployWithFactory') throw new Error(`meta factory call is ${call.functionName}`);
    const [kernelFactory, createData, index] = call.args as [Address, Hex, Hex];
    if (getAddress(kernelFactory) !== getAddress(addresses.factoryAddress)) throw new Error('not Kernel v3.1 factory');
    return { data: createData, salt: pad(index, { size: 32 }) };
  }
  if (factory.toLowerCase() === addresses.factoryAddress.toLowerCase()) {
    const call = decodeFunctionData({ abi: KernelV3FactoryAbi, data: factoryData });
    if (call.functionName !== 'createAccount') throw new Error(`factory call is ${call.functionName}`);
    return { data: call.args[0] as Hex, salt: pad(call.args[1] as Hex, { size: 32 }) };
  }
  throw new Error(`unknown factory ${factory}`);
}

/** The address Kernel v3.1's factory would deploy for this initCode (what EntryPoint checks as AA14). */
export function counterfactualKernelAddress(factory: Address, factoryData: Hex): Address {
  const addresses = KernelVersionToAddressesMap['0.3.1'];
  const { data, salt } = kernelCreateData(factory, factoryData);
  return getContractAddress({
    opcode: 'CREATE2',
    from: addresses.factoryAddress,
    salt: keccak256(concat([data, salt])),
    bytecodeHash: addresses.initCodeHash!,
  });
}
