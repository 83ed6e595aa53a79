/**
 * Cashouts from smart funders (proxy wallet, Safe, deposit wallet) go through Polymarket's relayer, which
 * pays the gas. The signed payloads are byte for byte those of the official
 * @polymarket/builder-relayer-client (RelayClient.execute / executeDepositWalletBatch). Its proxy and Safe
 * request builders print the whole request to stdout, which would corrupt `--json` output, so those two
 * are rebuilt here with the official encoders and derivations; a test compares them with the official
 * builders. The deposit-wallet builder prints nothing and is used as is.
 * https://docs.polymarket.com/developers/builders/relayer-client
 */
import {
  buildDepositWalletBatchRequest,
  CallType,
  deriveProxyWallet,
  deriveSafe,
  encodeProxyTransactionData,
  OperationType,
  TransactionType,
} from '@polymarket/builder-relayer-client';
import { BuilderSigner } from '@polymarket/builder-signing-sdk';
import { concat, encodePacked, hashTypedData, keccak256, toHex, zeroAddress, type Hex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import type { ApiCredentials } from './settings.js';
import { NetworkError } from '../../core/errors.js';
import { failedBeforeSending, outcomeUnknown, transportReason, venueError } from './errors.js';
import { RELAYER_CONTRACTS } from './funding.js';

/** The official client's fallback when gas estimation fails (builder/proxy.js DEFAULT_GAS_LIMIT). */
export const PROXY_DEFAULT_GAS_LIMIT = '10000000';

export interface Call {
  to: `0x${string}`;
  data: `0x${string}`;
}

/** Proxy-wallet batch: signed "rlx:" struct hash, sent to the proxy factory (builder/proxy.js). */
export async function buildProxyRequest(
  account: PrivateKeyAccount,
  input: { chainId: 137 | 80002; calls: Call[]; relay: string; nonce: string; gasLimit?: string; metadata?: string },
) {
  const contracts = RELAYER_CONTRACTS[input.chainId];
  if (!contracts.proxyFactory) throw new Error(`Polymarket proxy wallets are not available on chain ${input.chainId}`);
  const from = account.address;
  const to = contracts.proxyFactory;
  const data = encodeProxyTransactionData(
    input.calls.map((call) => ({ to: call.to, typeCode: CallType.Call, data: call.data, value: '0' })),
  ) as Hex;
  const gasPrice = '0';
  const relayerFee = '0';
  const gasLimit = input.gasLimit ?? PROXY_DEFAULT_GAS_LIMIT;
  const structHash = keccak256(
    concat([
      toHex('rlx:'),
      from,
      to,
      data,
      toHex(BigInt(relayerFee), { size: 32 }),
      toHex(BigInt(gasPrice), { size: 32 }),
      toHex(BigInt(gasLimit), { size: 32 }),
      toHex(BigInt(input.nonce), { size: 32 }),
      contracts.relayHub,
      input.relay as Hex,
    ]),
  );
  const signature = await account.signMessage({ message: { raw: structHash } });
  return {
    from,
    to,
    proxyWallet: deriveProxyWallet(from, to),
    data,
    nonce: input.nonce,
    signature,
    signatureParams: { gasPrice, gasLimit, relayerFee, relayHub: contracts.relayHub, relay: input.relay },
    type: TransactionType.PROXY,
    metadata: input.metadata ?? '',
  };
}

const SAFE_TX_TYPES = {
  SafeTx: [
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'data', type: 'bytes' },
    { name: 'operation', type: 'uint8' },
    { name: 'safeTxGas', type: 'uint256' },
    { name: 'baseGas', type: 'uint256' },
    { name: 'gasPrice', type: 'uint256' },
    { name: 'gasToken', type: 'address' },
    { name: 'refundReceiver', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const;

/** Safe transaction (one call, no multisend), eth_sign-style packed signature (builder/safe.js). */
export async function buildSafeRequest(
  account: PrivateKeyAccount,
  input: { chainId: 137 | 80002; call: Call; nonce: string; metadata?: string },
) {
  const contracts = RELAYER_CONTRACTS[input.chainId];
  const from = account.address;
  const safe = deriveSafe(from, contracts.safeFactory) as `0x${string}`;
  const structHash = hashTypedData({
    domain: { chainId: input.chainId, verifyingContract: safe },
    types: SAFE_TX_TYPES,
    primaryType: 'SafeTx',
    message: {
      to: input.call.to,
      value: 0n,
      data: input.call.data,
      operation: OperationType.Call,
      safeTxGas: 0n,
      baseGas: 0n,
      gasPrice: 0n,
      gasToken: zeroAddress,
      refundReceiver: zeroAddress,
      nonce: BigInt(input.nonce),
    },
  });
  const signature = packSafeSignature(await account.signMessage({ message: { raw: structHash } }));
  return {
    from,
    to: input.call.to,
    proxyWallet: safe,
    data: input.call.data,
    nonce: input.nonce,
    signature,
    signatureParams: {
      gasPrice: '0',
      operation: `${OperationType.Call}`,
      safeTxnGas: '0',
      baseGas: '0',
      gasToken: zeroAddress,
      refundReceiver: zeroAddress,
    },
    type: TransactionType.SAFE,
    metadata: input.metadata ?? '',
  };
}

/** Gnosis Safe marks eth_sign signatures with v + 4 (utils/index.js splitAndPackSig). */
export function packSafeSignature(signature: Hex): Hex {
  let v = parseInt(signature.slice(-2), 16);
  if (v === 0 || v === 1) v += 31;
  else if (v === 27 || v === 28) v += 4;
  else throw new Error('invalid signature v');
  const r = BigInt(`0x${signature.slice(2, 66)}`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  return encodePacked(['uint256', 'uint256', 'uint8'], [r, s, v]);
}

/** Deposit-wallet batch signed as EIP-712 `Batch` by the owner or a session signer (official builder). */
export async function buildDepositWalletRequest(
  account: PrivateKeyAccount,
  input: { chainId: 137 | 80002; wallet: `0x${string}`; calls: Call[]; nonce: string; deadline: string },
) {
  const contracts = RELAYER_CONTRACTS[input.chainId];
  // The official builder only needs signTypedData from its abstract signer.
  const signer = {
    signTypedData: (domain: unknown, types: unknown, message: unknown, primaryType?: string) =>
      account.signTypedData({ domain, types, message, primaryType } as Parameters<PrivateKeyAccount['signTypedData']>[0]),
  };
  return buildDepositWalletBatchRequest(
    signer as never,
    {
      from: account.address,
      chainId: input.chainId,
      walletAddress: input.wallet,
      nonce: input.nonce,
      deadline: input.deadline,
      calls: input.calls.map((call) => ({ target: call.to, value: '0', data: call.data })),
    },
    {
      DepositWalletFactory: contracts.depositWalletFactory,
      DepositWalletImplementation: contracts.depositWalletImplementation,
    },
  );
}

export interface RelayerSubmitResult {
  transactionID: string;
  state: string;
  transactionHash?: string;
}

export interface RelayerTransactionState {
  transactionID: string;
  transactionHash: string;
  state: string;
}

/** The relayer's HTTP API (endpoints.js), over the injected fetch; builder headers when credentials exist. */
export class RelayerHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch,
    private readonly builderCreds: ApiCredentials | undefined,
    /** The injected clock, in unix seconds (builder header timestamps). */
    private readonly nowSeconds: () => number,
  ) {}

  relayPayload(address: string, type: string): Promise<{ address: string; nonce: string }> {
    return this.get('/relay-payload', { address, type });
  }

  nonce(address: string, type: string): Promise<{ nonce: string }> {
    return this.get('/nonce', { address, type });
  }

  async deployed(address: string): Promise<boolean> {
    return (await this.get<{ deployed: boolean }>('/deployed', { address })).deployed;
  }

  transaction(id: string): Promise<RelayerTransactionState[]> {
    return this.get('/transaction', { id });
  }

  /**
   * POST /submit. Once sent, a lost answer (connection lost, timeout, 5xx) is OutcomeUnknownError: the
   * relayer may have queued the transaction, and submitting it again could move the money twice.
   */
  async submit(request: unknown, lookup: string): Promise<RelayerSubmitResult> {
    const body = JSON.stringify(request);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.builderCreds) {
      const signer = new BuilderSigner(this.builderCreds);
      Object.assign(headers, signer.createBuilderHeaderPayload('POST', '/submit', body, this.nowSeconds()));
    }
    const unknown = (reason: string, cause?: unknown) =>
      outcomeUnknown('submitting the cashout to the relayer', reason, { hint: lookup, cause });
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(`${this.baseUrl}/submit`, { method: 'POST', headers, body });
      text = await response.text();
    } catch (error) {
      if (failedBeforeSending(error)) throw new NetworkError(`relayer /submit: ${transportReason(error)} (nothing was sent)`, { cause: error });
      throw unknown(transportReason(error), error);
    }
    if (response.status >= 500) throw unknown(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    return this.parse('/submit', response, text);
  }

  private get<T>(path: string, query: Record<string, string>): Promise<T> {
    return this.call(`${path}?${new URLSearchParams(query)}`, { method: 'GET' });
  }

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    const response = await this.fetchFn(`${this.baseUrl}${path}`, init);
    return this.parse(path, response, await response.text());
  }

  private parse<T>(path: string, response: Response, text: string): T {
    if (!response.ok) {
      throw venueError(`relayer ${path.split('?')[0]}`, { reason: reasonOf(text) || response.statusText, status: response.status, payload: text.slice(0, 1000) });
    }
    return JSON.parse(text) as T;
  }
}

function reasonOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: the text itself is the reason
  }
  return text.slice(0, 300);
}
