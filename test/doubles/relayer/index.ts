/**
 * A local stand-in for Polymarket's relayer (the gasless transaction service behind proxy wallets, Safes
 * and deposit wallets), for tests and offline use. It speaks the endpoints the official
 * @polymarket/builder-relayer-client uses and verifies each submitted payload the way the wallets'
 * contracts would: the signature recovers to the signer, the funder is the signer's proxy / Safe / a
 * registered deposit wallet it may sign for, and the call is exactly pUSD.transfer(destination, amount).
 * With an `rpcUrl` (a local anvil chain) it then executes the transfer from the funder by impersonation,
 * so balances really move.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveProxyWallet, deriveSafe } from '@polymarket/builder-relayer-client';
import {
  concat,
  createPublicClient,
  createTestClient,
  createWalletClient,
  decodeFunctionData,
  hashTypedData,
  http,
  isAddressEqual,
  keccak256,
  parseAbi,
  recoverMessageAddress,
  recoverTypedDataAddress,
  toHex,
  zeroAddress,
  type Hex,
} from 'viem';

const PUSD: `0x${string}` = '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB';
const CONTRACTS = {
  proxyFactory: '0xaB45c5A4B0c941a2F231C04C3f49182e1A254052',
  relayHub: '0xD216153c06E857cD7f72665E0aF1d7D82172F494',
  safeFactory: '0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b',
  depositWalletFactory: '0x00000000000Fb5C9ADea0298D729A0CB3823Cc07',
} as const;
/** The relay address handed out by /relay-payload (any fixed address: the real relayer names its worker). */
export const STAND_IN_RELAY: `0x${string}` = '0x000000000000000000000000000000000000bEEF';

const proxyAbi = parseAbi(['function proxy((uint8 typeCode, address to, uint256 value, bytes data)[] calls) payable returns (bytes[])']);
const erc20Abi = parseAbi(['function transfer(address to, uint256 value) returns (bool)']);

export interface VerifiedSubmission {
  transactionID: string;
  transactionHash: string;
  type: 'PROXY' | 'SAFE' | 'WALLET';
  signer: `0x${string}`;
  funder: `0x${string}`;
  destination: `0x${string}`;
  amount: bigint;
  body: unknown;
}

export interface RelayerStandIn {
  url: string;
  submissions: VerifiedSubmission[];
  rejections: Array<{ reason: string; body: string }>;
  /** Every request: method, path with query, and headers (lower-case names). */
  requests: Array<{ method: string; path: string; headers: Record<string, string> }>;
  registerDepositWallet(wallet: string, owner: string, sessionSigners?: string[]): void;
  /** Safes are reported deployed unless marked otherwise here. */
  setSafeDeployed(safe: string, deployed: boolean): void;
  close(): Promise<void>;
}

export interface RelayerStandInOptions {
  host?: string;
  chainId?: number;
  /** Local chain (anvil) on which verified transfers are executed; without it they are only recorded. */
  rpcUrl?: string;
  /** Seconds clock for deposit-wallet deadlines. */
  nowSeconds?: () => number;
}

class Rejection extends Error {}

export async function startRelayerStandIn(options: RelayerStandInOptions = {}): Promise<RelayerStandIn> {
  const chainId = options.chainId ?? 137;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const nonces = new Map<string, bigint>();
  const wallets = new Map<string, { owner: string; sessionSigners: Set<string> }>();
  const undeployed = new Set<string>();
  const submissions: VerifiedSubmission[] = [];
  const rejections: RelayerStandIn['rejections'] = [];
  const requests: RelayerStandIn['requests'] = [];
  const nonceKey = (address: string, type: string) => `${type}:${address.toLowerCase()}`;
  const nonceOf = (address: string, type: string) => nonces.get(nonceKey(address, type)) ?? 0n;

  const expectNonce = (signer: string, type: string, nonce: unknown) => {
    if (String(nonce) !== nonceOf(signer, type).toString()) throw new Rejection(`invalid nonce ${String(nonce)}`);
  };

  async function verify(body: Record<string, any>): Promise<Omit<VerifiedSubmission, 'transactionID' | 'transactionHash' | 'body'>> {
    const from = String(body.from ?? '') as `0x${string}`;
    switch (body.type) {
      case 'PROXY': {
        const params = body.signatureParams ?? {};
        if (!isAddressEqual(body.to, CONTRACTS.proxyFactory)) throw new Rejection('to is not the proxy factory');
        const proxy = deriveProxyWallet(from, CONTRACTS.proxyFactory) as `0x${string}`;
        if (!isAddressEqual(body.proxyWallet, proxy)) throw new Rejection('proxyWallet is not the proxy of from');
        if (!isAddressEqual(params.relayHub, CONTRACTS.relayHub) || !isAddressEqual(params.relay, STAND_IN_RELAY)) {
          throw new Rejection('unexpected relay hub or relay');
        }
        expectNonce(from, 'PROXY', body.nonce);
        const structHash = keccak256(
          concat([
            toHex('rlx:'),
            from,
            body.to,
            body.data,
            toHex(BigInt(params.relayerFee), { size: 32 }),
            toHex(BigInt(params.gasPrice), { size: 32 }),
            toHex(BigInt(params.gasLimit), { size: 32 }),
            toHex(BigInt(body.nonce), { size: 32 }),
            params.relayHub,
            params.relay,
          ]),
        );
        await expectSigner(recoverMessageAddress({ message: { raw: structHash }, signature: body.signature }), from);
        const { args } = decodeFunctionData({ abi: proxyAbi, data: body.data });
        const calls = args[0];
        if (calls.length !== 1) throw new Rejection('expected exactly one call');
        const call = calls[0]!;
        if (call.typeCode !== 1 || call.value !== 0n) throw new Rejection('expected a plain call without value');
        return { type: 'PROXY', signer: from, funder: proxy, ...transferOf(call.to, call.data) };
      }
      case 'SAFE': {
        const safe = deriveSafe(from, CONTRACTS.safeFactory) as `0x${string}`;
        if (!isAddressEqual(body.proxyWallet, safe)) throw new Rejection('proxyWallet is not the Safe of from');
        if (undeployed.has(safe.toLowerCase())) throw new Rejection('safe not deployed');
        expectNonce(from, 'SAFE', body.nonce);
        const operation = Number(body.signatureParams?.operation ?? 0);
        if (operation !== 0) throw new Rejection('expected operation Call');
        const hash = hashTypedData({
          domain: { chainId, verifyingContract: safe },
          types: {
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
          },
          primaryType: 'SafeTx',
          message: {
            to: body.to,
            value: 0n,
            data: body.data,
            operation,
            safeTxGas: 0n,
            baseGas: 0n,
            gasPrice: 0n,
            gasToken: zeroAddress,
            refundReceiver: zeroAddress,
            nonce: BigInt(body.nonce),
          },
        });
        await expectSigner(recoverMessageAddress({ message: { raw: hash }, signature: unpackSafeSignature(body.signature) }), from);
        return { type: 'SAFE', signer: from, funder: safe, ...transferOf(body.to, body.data) };
      }
      case 'WALLET': {
        const params = body.depositWalletParams ?? {};
        const wallet = String(params.depositWallet ?? '') as `0x${string}`;
        const record = wallets.get(wallet.toLowerCase());
        if (!record) throw new Rejection('unknown deposit wallet');
        const allowed = isAddressEqual(record.owner as `0x${string}`, from) || record.sessionSigners.has(from.toLowerCase());
        if (!allowed) throw new Rejection('from is neither the owner nor an approved session signer of the wallet');
        if (!isAddressEqual(body.to, CONTRACTS.depositWalletFactory)) throw new Rejection('to is not the deposit wallet factory');
        expectNonce(from, 'WALLET', body.nonce);
        if (Number(params.deadline) <= nowSeconds()) throw new Rejection('deadline passed');
        const calls = (params.calls ?? []) as Array<{ target: `0x${string}`; value: string; data: Hex }>;
        await expectSigner(
          recoverTypedDataAddress({
            domain: { name: 'DepositWallet', version: '1', chainId, verifyingContract: wallet },
            types: {
              Call: [
                { name: 'target', type: 'address' },
                { name: 'value', type: 'uint256' },
                { name: 'data', type: 'bytes' },
              ],
              Batch: [
                { name: 'wallet', type: 'address' },
                { name: 'nonce', type: 'uint256' },
                { name: 'deadline', type: 'uint256' },
                { name: 'calls', type: 'Call[]' },
              ],
            },
            primaryType: 'Batch',
            message: {
              wallet,
              nonce: BigInt(body.nonce),
              deadline: BigInt(params.deadline),
              calls: calls.map((c) => ({ target: c.target, value: BigInt(c.value), data: c.data })),
            },
            signature: body.signature,
          }),
          from,
        );
        if (calls.length !== 1 || BigInt(calls[0]!.value) !== 0n) throw new Rejection('expected exactly one call without value');
        return { type: 'WALLET', signer: from, funder: wallet, ...transferOf(calls[0]!.target, calls[0]!.data) };
      }
      default:
        throw new Rejection(`unsupported transaction type ${String(body.type)}`);
    }
  }

  async function execute(funder: `0x${string}`, destination: `0x${string}`, amount: bigint, id: string): Promise<string> {
    if (!options.rpcUrl) return keccak256(toHex(`stand-in:${id}`));
    const chain = { id: chainId, name: 'local', nativeCurrency: { name: 'POL', symbol: 'POL', decimals: 18 }, rpcUrls: { default: { http: [options.rpcUrl] } } } as const;
    const transport = http(options.rpcUrl);
    const test = createTestClient({ chain, mode: 'anvil', transport });
    await test.impersonateAccount({ address: funder });
    await test.setBalance({ address: funder, value: 10n ** 18n });
    try {
      const wallet = createWalletClient({ chain, transport });
      const hash = await wallet.writeContract({ account: funder, address: PUSD, abi: erc20Abi, functionName: 'transfer', args: [destination, amount] });
      const receipt = await createPublicClient({ chain, transport }).waitForTransactionReceipt({ hash, pollingInterval: 100 });
      if (receipt.status !== 'success') throw new Rejection('transfer reverted');
      return hash;
    } finally {
      await test.stopImpersonatingAccount({ address: funder });
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
      requests.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, headers });
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const q = (key: string) => url.searchParams.get(key) ?? '';
      try {
        if (req.method === 'GET' && url.pathname === '/relay-payload') {
          return reply(200, { address: STAND_IN_RELAY, nonce: nonceOf(q('address'), q('type') || 'PROXY').toString() });
        }
        if (req.method === 'GET' && url.pathname === '/nonce') return reply(200, { nonce: nonceOf(q('address'), q('type')).toString() });
        if (req.method === 'GET' && url.pathname === '/deployed') return reply(200, { deployed: !undeployed.has(q('address').toLowerCase()) });
        if (req.method === 'GET' && url.pathname === '/transaction') {
          const found = submissions.find((s) => s.transactionID === q('id'));
          return reply(200, found ? [{ transactionID: found.transactionID, transactionHash: found.transactionHash, state: 'STATE_MINED', type: found.type, from: found.signer, proxyAddress: found.funder }] : []);
        }
        if (req.method === 'POST' && url.pathname === '/submit') {
          const raw = await readBody(req);
          try {
            const body = JSON.parse(raw) as Record<string, any>;
            const verified = await verify(body);
            const transactionID = `tx-${submissions.length + 1}`;
            const transactionHash = await execute(verified.funder, verified.destination, verified.amount, transactionID);
            nonces.set(nonceKey(verified.signer, verified.type), nonceOf(verified.signer, verified.type) + 1n);
            submissions.push({ ...verified, transactionID, transactionHash, body });
            return reply(200, { transactionID, state: 'STATE_NEW', transactionHash });
          } catch (error) {
            const reason = error instanceof Rejection ? error.message : `bad request: ${(error as Error).message}`;
            rejections.push({ reason, body: raw });
            return reply(400, { error: reason });
          }
        }
        reply(404, { error: 'not found' });
      } catch (error) {
        reply(500, { error: (error as Error).message });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    submissions,
    rejections,
    requests,
    registerDepositWallet(wallet, owner, sessionSigners = []) {
      wallets.set(wallet.toLowerCase(), { owner, sessionSigners: new Set(sessionSigners.map((s) => s.toLowerCase())) });
    },
    setSafeDeployed(safe, deployed) {
      if (deployed) undeployed.delete(safe.toLowerCase());
      else undeployed.add(safe.toLowerCase());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function transferOf(target: string, data: Hex): { destination: `0x${string}`; amount: bigint } {
  if (!isAddressEqual(target as `0x${string}`, PUSD)) throw new Rejection('target is not pUSD');
  const decoded = decodeFunctionData({ abi: erc20Abi, data });
  if (decoded.functionName !== 'transfer') throw new Rejection('calldata is not transfer(address,uint256)');
  const [destination, amount] = decoded.args;
  return { destination, amount };
}

async function expectSigner(recovered: Promise<`0x${string}`>, from: `0x${string}`): Promise<void> {
  let address: `0x${string}`;
  try {
    address = await recovered;
  } catch {
    throw new Rejection('signature does not recover');
  }
  if (!isAddressEqual(address, from)) throw new Rejection(`signature recovers to ${address}, not to from ${from}`);
}

/** Inverse of the Safe's eth_sign packing (v + 4). */
function unpackSafeSignature(packed: Hex): Hex {
  const v = parseInt(packed.slice(130, 132), 16);
  return `${packed.slice(0, 130)}${(v > 30 ? v - 4 : v).toString(16)}` as Hex;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
