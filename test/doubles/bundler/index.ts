/**
 * A local ERC-4337 bundler + paymaster stand-in (JSON-RPC over HTTP on 127.0.0.1, random port) for
 * testing Kernel UserOperations offline. No npm package ships Kernel's bytecode, so UserOperations are
 * CHECKED at the protocol level, not executed: each one is decoded and verified against what the test
 * expects, recorded, and answered with a synthetic receipt. Anything else is refused with a JSON-RPC
 * error. Serves ZeroDev's methods (zd_*) unless told to act as a standard bundler.
 *
 * Two kinds of UserOperation are expected:
 * - a session-key cash-out: sender, permission validator in the nonce key, the exact ERC-20 transfer,
 *   the session key's signature over the EntryPoint 0.7 hash, the owner's enable signature;
 * - an owner operation (root ECDSA validator, signed by the owner) managing the account itself:
 *   uninstallValidation and invalidateNonce only.
 * What it accepts changes what it accepts next, as on chain (kernel-model.ts): enabling a permission,
 * revoking it by nonce or uninstalling it, and its timestamp and rate-limit policies, against the
 * stand-in's clock. The account is never deployed on the local chain (no Kernel bytecode), so the SDK
 * keeps sending its first UserOperation's enable data; an enable of a permission the stand-in already
 * installed, with the same data, counts as the default-mode operation the SDK would send to a real
 * account.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { concat, decodeAbiParameters, getAddress, isAddressEqual, keccak256, pad, slice, toHex, type Address, type Hex } from 'viem';
import { entryPoint07Address, type UserOperation } from 'viem/account-abstraction';
import {
  counterfactualKernelAddress,
  decodeKernelUserOperation,
  decodePolicyLimits,
  decodeSelfCall,
  initCodeOwner,
  parseUserOperation,
  recoverEnableSigner,
  recoverRootSigners,
  recoverSessionSigners,
  userOperationHash,
  type DecodedUserOperation,
  type RpcUserOperation,
} from './decode.js';
import { installedLimits, KernelAccountModel, type InstalledPermission, type Verdict } from './kernel-model.js';

export type { DecodedUserOperation, RpcUserOperation } from './decode.js';
export { KernelAccountModel } from './kernel-model.js';

/** A session-key cash-out. */
export interface UserOperationExpectation {
  kind?: 'session';
  sender: Address;
  sessionSigner: Address;
  transfer: { token: Address; to: Address; amount: bigint };
  /** When set, the enable data (first UserOperation) must be signed by this owner. */
  owner?: Address;
}

/** The owner managing the account (revoking a session key): root validator, self-calls only. */
export interface OwnerOperationExpectation {
  kind: 'owner';
  sender: Address;
  owner: Address;
}

export type Expectation = UserOperationExpectation | OwnerOperationExpectation;

export interface GasQuote {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

export interface BundlerStandInOptions {
  chainId: number;
  entryPoint?: Address;
  /** Serve zd_getUserOperationGasPrice and zd_sponsorUserOperation (default true). */
  zerodev?: boolean;
  /** Serve pimlico_getUserOperationGasPrice (default false). */
  pimlico?: boolean;
  /** Price quoted by zd_/pimlico_ gas-price methods (standard tier). */
  gasQuote?: GasQuote;
  expect?: Expectation;
  /** The chain's time (ms) for timestamp and rate-limit policies; default: the system clock. */
  now?: () => number;
}

export interface AcceptedUserOperation {
  kind: 'session' | 'owner';
  hash: Hex;
  transactionHash: Hex;
  userOperation: UserOperation<'0.7'>;
  /** As received over JSON-RPC. */
  rpcUserOperation: RpcUserOperation;
  decoded: DecodedUserOperation;
  /** The key whose signature over `hash` the validator would accept (session key, or owner). */
  sessionSigner: Address;
  enableSigner?: Address;
}

export interface BundlerStandIn {
  url: string;
  paymaster: Address;
  /** Every JSON-RPC call received, in order. */
  calls: Array<{ method: string; params: unknown[] }>;
  accepted: AcceptedUserOperation[];
  rejected: Array<{ method: string; code: number; message: string }>;
  expect(expectation: Expectation): void;
  /** The stand-in's view of a Kernel account (created empty on first use). */
  account(sender: Address): KernelAccountModel;
  close(): Promise<void>;
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
/** ERC-4337 bundler error codes (EIP-4337 "RPC methods"): validation refused / paymaster refused / reverted. */
const REJECTED_BY_ACCOUNT = -32500;
const REJECTED_BY_PAYMASTER = -32501;
const EXECUTION_REVERTED = -32521;

const DEFAULT_QUOTE: GasQuote = { maxFeePerGas: 30_000_000_000n, maxPriorityFeePerGas: 1_500_000_000n };
const GAS = { callGasLimit: 120_000n, verificationGasLimit: 400_000n, preVerificationGas: 60_000n };
const PAYMASTER_GAS = { paymasterVerificationGasLimit: 60_000n, paymasterPostOpGasLimit: 1n };

/** What an accepted operation does to the account, applied once it is accepted. */
type Effect = () => void;

interface ReadOperation {
  op: UserOperation<'0.7'>;
  decoded: DecodedUserOperation;
  model: KernelAccountModel;
  /** The permission this operation installs (enable mode, not installed yet). */
  installs?: Omit<InstalledPermission, 'nonce'>;
  effects: Effect[];
}

export async function startBundlerStandIn(options: BundlerStandInOptions): Promise<BundlerStandIn> {
  const entryPoint = getAddress(options.entryPoint ?? entryPoint07Address);
  const paymaster = getAddress(slice(keccak256(toHex('betmirror sandbox paymaster')), 12));
  const quote = options.gasQuote ?? DEFAULT_QUOTE;
  const nowSeconds = () => Math.floor((options.now ?? Date.now)() / 1000);
  let expectation = options.expect;
  const calls: BundlerStandIn['calls'] = [];
  const accepted: AcceptedUserOperation[] = [];
  const rejected: BundlerStandIn['rejected'] = [];
  const accounts = new Map<Address, KernelAccountModel>();
  const account = (sender: Address) => {
    const key = getAddress(sender);
    if (!accounts.has(key)) accounts.set(key, new KernelAccountModel());
    return accounts.get(key)!;
  };

  /** The sponsorship voucher: binds our paymaster data to one (sender, nonce). */
  const voucher = (op: UserOperation<'0.7'>) => keccak256(concat([op.sender, pad(toHex(op.nonce), { size: 32 })]));

  const enforce = (verdict: Verdict, code = REJECTED_BY_ACCOUNT) => {
    if (!verdict.ok) throw new RpcError(code, verdict.reason);
  };

  /** Structural and state checks shared by estimation, sponsorship and sending (signatures may be stubs). */
  function readOperation(raw: unknown, epParam: unknown): ReadOperation {
    if (epParam !== undefined && (typeof epParam !== 'string' || !isAddressEqual(epParam as Address, entryPoint))) {
      throw new RpcError(INVALID_PARAMS, `unsupported EntryPoint ${String(epParam)}`);
    }
    let op: UserOperation<'0.7'>;
    let decoded: DecodedUserOperation;
    try {
      op = parseUserOperation(raw as RpcUserOperation);
      decoded = decodeKernelUserOperation(op);
    } catch (error) {
      throw new RpcError(INVALID_PARAMS, `undecodable UserOperation: ${(error as Error).message}`);
    }
    if (!expectation) throw new RpcError(REJECTED_BY_ACCOUNT, 'no UserOperation is expected');
    if (!isAddressEqual(op.sender, expectation.sender)) {
      throw new RpcError(REJECTED_BY_ACCOUNT, `sender ${op.sender} is not the expected Kernel account ${expectation.sender}`);
    }
    if (op.factory && op.factoryData) {
      let predicted: Address;
      try {
        predicted = counterfactualKernelAddress(op.factory, op.factoryData);
      } catch (error) {
        throw new RpcError(REJECTED_BY_ACCOUNT, `AA13 initCode failed: ${(error as Error).message}`);
      }
      if (!isAddressEqual(predicted, op.sender)) throw new RpcError(REJECTED_BY_ACCOUNT, `AA14 initCode must return sender (${predicted})`);
    }
    const model = account(op.sender);
    return expectation.kind === 'owner' ? readOwnerOperation(op, decoded, model) : readSessionOperation(op, decoded, model, expectation);
  }

  function readSessionOperation(op: UserOperation<'0.7'>, decoded: DecodedUserOperation, model: KernelAccountModel, want: UserOperationExpectation): ReadOperation {
    if (decoded.validationType !== 'permission') {
      throw new RpcError(REJECTED_BY_ACCOUNT, `nonce key selects the ${decoded.validationType} validator, not the session permission`);
    }
    const transfer = want.transfer;
    const call = decoded.call;
    if (!call || !isAddressEqual(call.target, transfer.token) || call.value !== 0n || !decoded.transfer) {
      throw new RpcError(REJECTED_BY_ACCOUNT, `callData is not an ERC-20 transfer on ${transfer.token}`);
    }
    if (!isAddressEqual(decoded.transfer.to, transfer.to) || decoded.transfer.amount !== transfer.amount) {
      throw new RpcError(
        REJECTED_BY_ACCOUNT,
        `transfer(${decoded.transfer.to}, ${decoded.transfer.amount}) is not the expected transfer(${transfer.to}, ${transfer.amount})`,
      );
    }
    if (op.factory && decoded.validatorMode !== 'enable') {
      throw new RpcError(REJECTED_BY_ACCOUNT, 'an undeployed account must enable its permission in its first UserOperation');
    }
    const id = decoded.validationId;
    const existing = model.installed(id);
    let installs: ReadOperation['installs'];
    if (decoded.enable && !(existing && existing.enableData === decoded.enable.validatorData)) {
      enforce(model.checkEnable(id));
      installs = {
        permissionId: id,
        enableData: decoded.enable.validatorData,
        signerKey: decoded.enable.signerKey,
        modules: decoded.enable.policies.length + 1,
        ...installedLimits(decodePolicyLimits(decoded.enable.policies)),
      };
    }
    const permission = installs ? { ...installs, nonce: model.currentNonce } : existing;
    enforce(model.checkPermissionOperation(permission, nowSeconds()));
    return { op, decoded, model, installs, effects: [] };
  }

  function readOwnerOperation(op: UserOperation<'0.7'>, decoded: DecodedUserOperation, model: KernelAccountModel): ReadOperation {
    if (decoded.validationType !== 'root') {
      throw new RpcError(REJECTED_BY_ACCOUNT, `nonce key selects the ${decoded.validationType} validator, not the owner's root validator`);
    }
    if (decoded.calls.length === 0) throw new RpcError(REJECTED_BY_ACCOUNT, 'the owner operation makes no call');
    const effects: Effect[] = [];
    for (const call of decoded.calls) {
      if (!isAddressEqual(call.target, op.sender) || call.value !== 0n) {
        throw new RpcError(REJECTED_BY_ACCOUNT, `the owner operation calls ${call.target} with value ${call.value}: only the account itself is expected`);
      }
      let self: ReturnType<typeof decodeSelfCall>;
      try {
        self = decodeSelfCall(call.data);
      } catch {
        throw new RpcError(REJECTED_BY_ACCOUNT, `the owner operation calls an unknown function ${slice(call.data, 0, 4)} on the account`);
      }
      if (self.functionName === 'invalidateNonce') {
        const nonce = Number(self.args[0]);
        enforce(model.checkInvalidateNonce(nonce), EXECUTION_REVERTED);
        effects.push(() => model.applyInvalidateNonce(nonce));
      } else if (self.functionName === 'uninstallValidation') {
        const [vId, deinit] = self.args as [Hex, Hex, Hex];
        if (slice(vId, 0, 1) !== '0x02') throw new RpcError(REJECTED_BY_ACCOUNT, `uninstallValidation of ${vId}: only session permissions are expected`);
        const id = slice(vId, 1, 5);
        const [entries] = decodeAbiParameters([{ type: 'bytes[]' }], deinit);
        enforce(model.checkUninstall(id, entries.length), EXECUTION_REVERTED);
        effects.push(() => model.applyUninstall(id));
      } else {
        throw new RpcError(REJECTED_BY_ACCOUNT, `the owner operation calls ${self.functionName}: only uninstallValidation and invalidateNonce are expected`);
      }
    }
    return { op, decoded, model, effects };
  }

  async function send(raw: unknown, epParam: unknown): Promise<Hex> {
    const read = readOperation(raw, epParam);
    const { op, decoded, model } = read;
    const want = expectation!;
    if (!op.paymaster || !isAddressEqual(op.paymaster, paymaster) || op.paymasterData !== voucher(op)) {
      throw new RpcError(REJECTED_BY_PAYMASTER, 'AA33 paymaster data missing or not issued by this paymaster');
    }
    if (!op.paymasterVerificationGasLimit || !op.maxFeePerGas || op.maxFeePerGas < op.maxPriorityFeePerGas) {
      throw new RpcError(INVALID_PARAMS, 'gas fields incomplete');
    }
    const hash = userOperationHash(op, options.chainId, entryPoint);
    const expectedSigner = want.kind === 'owner' ? want.owner : want.sessionSigner;
    let signers: { eip191: Address; raw: Address };
    try {
      signers = want.kind === 'owner' ? await recoverRootSigners(decoded, hash) : await recoverSessionSigners(decoded, hash);
    } catch (error) {
      throw new RpcError(REJECTED_BY_ACCOUNT, `AA24 signature error: ${(error as Error).message}`);
    }
    const signer = [signers.eip191, signers.raw].find((a) => isAddressEqual(a, expectedSigner));
    if (!signer) throw new RpcError(REJECTED_BY_ACCOUNT, `AA24 signature error: signed by ${signers.eip191}`);
    let enableSigner: Address | undefined;
    if (want.kind !== 'owner' && decoded.enable) {
      if (!isAddressEqual(decoded.enable.signerKey, want.sessionSigner)) {
        throw new RpcError(REJECTED_BY_ACCOUNT, `the enabled permission is for ${decoded.enable.signerKey}, not the session key`);
      }
      // Kernel hashes the Enable message with its currentNonce at the time of enabling.
      enableSigner = await recoverEnableSigner(decoded, options.chainId, read.installs ? model.currentNonce : model.installed(decoded.validationId)!.nonce);
      const owner = want.owner ?? (op.factory && op.factoryData ? initCodeOwner(op.factory, op.factoryData) : undefined);
      if (owner && !isAddressEqual(enableSigner, owner)) {
        throw new RpcError(REJECTED_BY_ACCOUNT, `EnableNotApproved(): enable data signed by ${enableSigner} for validator nonce ${model.currentNonce}`);
      }
    }
    if (accepted.some((a) => a.hash === hash)) throw new RpcError(REJECTED_BY_ACCOUNT, 'AA25 invalid account nonce (replay)');
    if (read.installs) model.applyEnable(read.installs);
    if (want.kind !== 'owner') model.applyPermissionOperation(decoded.validationId);
    read.effects.forEach((effect) => effect());
    const transactionHash = keccak256(concat([hash, '0x01']));
    accepted.push({
      kind: want.kind === 'owner' ? 'owner' : 'session',
      hash,
      transactionHash,
      userOperation: op,
      rpcUserOperation: raw as RpcUserOperation,
      decoded,
      sessionSigner: signer,
      enableSigner,
    });
    return hash;
  }

  function receipt(hash: unknown) {
    const found = accepted.find((a) => a.hash === hash);
    if (!found) return null;
    const blockHash = keccak256(found.transactionHash);
    return {
      userOpHash: found.hash,
      entryPoint,
      sender: found.userOperation.sender,
      nonce: toHex(found.userOperation.nonce),
      paymaster: found.userOperation.paymaster,
      actualGasCost: toHex(100_000n * found.userOperation.maxFeePerGas),
      actualGasUsed: toHex(100_000n),
      success: true,
      reason: '',
      logs: [],
      receipt: {
        transactionHash: found.transactionHash,
        transactionIndex: '0x0',
        blockHash,
        blockNumber: '0x1',
        from: paymaster,
        to: entryPoint,
        cumulativeGasUsed: toHex(100_000n),
        gasUsed: toHex(100_000n),
        contractAddress: null,
        logs: [],
        logsBloom: `0x${'00'.repeat(256)}`,
        status: '0x1',
        effectiveGasPrice: toHex(found.userOperation.maxFeePerGas),
        type: '0x2',
      },
    };
  }

  const tiers = () => {
    const tier = { maxFeePerGas: toHex(quote.maxFeePerGas), maxPriorityFeePerGas: toHex(quote.maxPriorityFeePerGas) };
    return { slow: tier, standard: tier, fast: tier };
  };
  const hexGas = (gas: Record<string, bigint>) => Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, toHex(v)]));

  async function handle(method: string, params: unknown[]): Promise<unknown> {
    const zerodev = options.zerodev ?? true;
    switch (method) {
      case 'eth_chainId':
        return toHex(options.chainId);
      case 'eth_supportedEntryPoints':
        return [entryPoint];
      case 'eth_estimateUserOperationGas':
        readOperation(params[0], params[1]);
        return hexGas({ ...GAS, ...PAYMASTER_GAS });
      case 'eth_sendUserOperation':
        return send(params[0], params[1]);
      case 'eth_getUserOperationReceipt':
        return receipt(params[0]);
      case 'eth_getUserOperationByHash': {
        const found = accepted.find((a) => a.hash === params[0]);
        if (!found) return null;
        const r = receipt(params[0])!;
        return { userOperation: found.rpcUserOperation, entryPoint, ...pickTx(r.receipt) };
      }
      case 'pm_getPaymasterStubData':
      case 'pm_getPaymasterData': {
        const { op } = readOperation(params[0], params[1]);
        const data = { paymaster, paymasterData: voucher(op) };
        return method === 'pm_getPaymasterData' ? data : { ...data, ...hexGas(PAYMASTER_GAS), isFinal: false };
      }
      case 'zd_sponsorUserOperation': {
        if (!zerodev) break;
        const request = params[0] as { userOp?: unknown; entryPointAddress?: unknown };
        const { op } = readOperation(request?.userOp, request?.entryPointAddress);
        return { paymaster, paymasterData: voucher(op), ...hexGas({ ...GAS, ...PAYMASTER_GAS }) };
      }
      case 'zd_getUserOperationGasPrice':
        if (zerodev) return tiers();
        break;
      case 'pimlico_getUserOperationGasPrice':
        if (options.pimlico) return tiers();
        break;
    }
    throw new RpcError(METHOD_NOT_FOUND, `the method ${method} does not exist/is not available`);
  }

  const server = createServer((req, res) => void serve(req, res));
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return reply(res, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    }
    const one = async (message: { id?: unknown; method?: string; params?: unknown[] }) => {
      const method = String(message.method);
      const params = Array.isArray(message.params) ? message.params : [];
      calls.push({ method, params });
      try {
        return { jsonrpc: '2.0', id: message.id ?? null, result: await handle(method, params) };
      } catch (error) {
        const code = error instanceof RpcError ? error.code : -32603;
        rejected.push({ method, code, message: (error as Error).message });
        return { jsonrpc: '2.0', id: message.id ?? null, error: { code, message: (error as Error).message } };
      }
    };
    reply(res, Array.isArray(parsed) ? await Promise.all(parsed.map(one)) : await one(parsed as never));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paymaster,
    calls,
    accepted,
    rejected,
    expect: (next) => void (expectation = next),
    account,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function pickTx(receipt: { transactionHash: Hex; blockHash: Hex; blockNumber: string }) {
  return { transactionHash: receipt.transactionHash, blockHash: receipt.blockHash, blockNumber: receipt.blockNumber };
}

function reply(res: ServerResponse, payload: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}
