/**
 * A local ERC-4337 bundler + paymaster stand-in (JSON-RPC over HTTP on 127.0.0.1, random port) for
 * testing Kernel UserOperations offline. No npm package ships Kernel's bytecode, so UserOperations are
 * CHECKED at the protocol level, not executed: each one is decoded and verified against what the test
 * expects (sender, permission validator in the nonce key, the exact ERC-20 transfer, the session
 * key's signature over the EntryPoint 0.7 hash, the owner's enable signature, our paymaster data),
 * recorded, and answered with a synthetic receipt. Anything else is refused with a JSON-RPC error.
 * Serves ZeroDev's methods (zd_*) unless told to act as a standard bundler.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { concat, getAddress, isAddressEqual, keccak256, pad, slice, toHex, type Address, type Hex } from 'viem';
import { entryPoint07Address, type UserOperation } from 'viem/account-abstraction';
import {
  counterfactualKernelAddress,
  decodeKernelUserOperation,
  parseUserOperation,
  recoverEnableSigner,
  recoverSessionSigners,
  userOperationHash,
  type DecodedUserOperation,
  type RpcUserOperation,
} from './decode.js';

export type { DecodedUserOperation, RpcUserOperation } from './decode.js';

export interface UserOperationExpectation {
  sender: Address;
  sessionSigner: Address;
  transfer: { token: Address; to: Address; amount: bigint };
  /** When set, the enable data (first UserOperation) must be signed by this owner. */
  owner?: Address;
}

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
  expect?: UserOperationExpectation;
}

export interface AcceptedUserOperation {
  hash: Hex;
  transactionHash: Hex;
  userOperation: UserOperation<'0.7'>;
  /** As received over JSON-RPC. */
  rpcUserOperation: RpcUserOperation;
  decoded: DecodedUserOperation;
  /** The key whose signature over `hash` the permission's ECDSA signer would accept. */
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
  expect(expectation: UserOperationExpectation): void;
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
/** ERC-4337 bundler error codes (EIP-4337 "RPC methods"): validation refused / paymaster refused. */
const REJECTED_BY_ACCOUNT = -32500;
const REJECTED_BY_PAYMASTER = -32501;

const DEFAULT_QUOTE: GasQuote = { maxFeePerGas: 30_000_000_000n, maxPriorityFeePerGas: 1_500_000_000n };
const GAS = { callGasLimit: 120_000n, verificationGasLimit: 400_000n, preVerificationGas: 60_000n };
const PAYMASTER_GAS = { paymasterVerificationGasLimit: 60_000n, paymasterPostOpGasLimit: 1n };

export async function startBundlerStandIn(options: BundlerStandInOptions): Promise<BundlerStandIn> {
  const entryPoint = getAddress(options.entryPoint ?? entryPoint07Address);
  const paymaster = getAddress(slice(keccak256(toHex('betmirror sandbox paymaster')), 12));
  const quote = options.gasQuote ?? DEFAULT_QUOTE;
  let expectation = options.expect;
  const calls: BundlerStandIn['calls'] = [];
  const accepted: AcceptedUserOperation[] = [];
  const rejected: BundlerStandIn['rejected'] = [];

  /** The sponsorship voucher: binds our paymaster data to one (sender, nonce). */
  const voucher = (op: UserOperation<'0.7'>) => keccak256(concat([op.sender, pad(toHex(op.nonce), { size: 32 })]));

  /** Structural checks shared by estimation, sponsorship and sending (signatures may be stubs). */
  function readOperation(raw: unknown, epParam: unknown): { op: UserOperation<'0.7'>; decoded: DecodedUserOperation } {
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
    if (decoded.validationType !== 'permission') {
      throw new RpcError(REJECTED_BY_ACCOUNT, `nonce key selects the ${decoded.validationType} validator, not the session permission`);
    }
    const want = expectation.transfer;
    const call = decoded.call!;
    if (!isAddressEqual(call.target, want.token) || call.value !== 0n || !decoded.transfer) {
      throw new RpcError(REJECTED_BY_ACCOUNT, `callData is not an ERC-20 transfer on ${want.token}`);
    }
    if (!isAddressEqual(decoded.transfer.to, want.to) || decoded.transfer.amount !== want.amount) {
      throw new RpcError(
        REJECTED_BY_ACCOUNT,
        `transfer(${decoded.transfer.to}, ${decoded.transfer.amount}) is not the expected transfer(${want.to}, ${want.amount})`,
      );
    }
    if (op.factory && decoded.validatorMode !== 'enable') {
      throw new RpcError(REJECTED_BY_ACCOUNT, 'an undeployed account must enable its permission in its first UserOperation');
    }
    return { op, decoded };
  }

  async function send(raw: unknown, epParam: unknown): Promise<Hex> {
    const { op, decoded } = readOperation(raw, epParam);
    const want = expectation!;
    if (!op.paymaster || !isAddressEqual(op.paymaster, paymaster) || op.paymasterData !== voucher(op)) {
      throw new RpcError(REJECTED_BY_PAYMASTER, 'AA33 paymaster data missing or not issued by this paymaster');
    }
    if (!op.paymasterVerificationGasLimit || !op.maxFeePerGas || op.maxFeePerGas < op.maxPriorityFeePerGas) {
      throw new RpcError(INVALID_PARAMS, 'gas fields incomplete');
    }
    const hash = userOperationHash(op, options.chainId, entryPoint);
    let signers: { eip191: Address; raw: Address };
    try {
      signers = await recoverSessionSigners(decoded, hash);
    } catch (error) {
      throw new RpcError(REJECTED_BY_ACCOUNT, `AA24 signature error: ${(error as Error).message}`);
    }
    const sessionSigner = [signers.eip191, signers.raw].find((a) => isAddressEqual(a, want.sessionSigner));
    if (!sessionSigner) throw new RpcError(REJECTED_BY_ACCOUNT, `AA24 signature error: signed by ${signers.eip191}`);
    let enableSigner: Address | undefined;
    if (decoded.enable) {
      if (!isAddressEqual(decoded.enable.signerKey, want.sessionSigner)) {
        throw new RpcError(REJECTED_BY_ACCOUNT, `the enabled permission is for ${decoded.enable.signerKey}, not the session key`);
      }
      enableSigner = await recoverEnableSigner(decoded, options.chainId);
      if (want.owner && !isAddressEqual(enableSigner, want.owner)) {
        throw new RpcError(REJECTED_BY_ACCOUNT, `EnableNotApproved: enable data signed by ${enableSigner}`);
      }
    }
    if (accepted.some((a) => a.hash === hash)) throw new RpcError(REJECTED_BY_ACCOUNT, 'AA25 invalid account nonce (replay)');
    const transactionHash = keccak256(concat([hash, '0x01']));
    accepted.push({ hash, transactionHash, userOperation: op, rpcUserOperation: raw as RpcUserOperation, decoded, sessionSigner, enableSigner });
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
