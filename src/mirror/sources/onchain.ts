/**
 * The on-chain source: OrderFilled logs of Polymarket's V2 exchanges with maker = a followed wallet
 * (the maker topic catches the wallet's maker and taker fills alike; VENUES.md 1.5). One log filter
 * covers every followed wallet: topic0 = OrderFilled, topic2 = the OR-list of wallets. Over a
 * websocket RPC (ws:// or wss://) the filter is subscribed with `eth_subscribe("logs")` and the chain
 * pushes each fill; over HTTP it is polled with eth_getLogs. Starts at the head block, so history
 * before the start is never read; a dropped websocket is re-subscribed and the blocks in between are
 * read with eth_getLogs (the same filter).
 */
import { decodeEventLog, parseAbi, type Address, type Hex, type Log } from 'viem';
import { every, type Clock, type Logger } from '../../core/runtime.js';
import type { WhaleFill } from '../types.js';
import { httpRpc, wsRpc, type RpcTransport } from './onchain-rpc.js';
import type { FillSink, FillSource } from './source.js';

export const ORDER_FILLED_ABI = parseAbi([
  'event OrderFilled(bytes32 indexed orderHash, address indexed maker, address indexed taker, uint8 side, uint256 tokenId, uint256 makerAmountFilled, uint256 takerAmountFilled, uint256 fee, bytes32 builder, bytes32 metadata)',
]);
export const ORDER_FILLED_TOPIC: Hex = '0xd543adfd945773f1a62f74f0ee55a5e3b9b1a28262980ba90b1a89f2ea84d8ee';
/** CTFExchangeV2 and the neg-risk V2 exchange (VENUES.md 1.4). */
export const V2_EXCHANGES: readonly Address[] = ['0xE111180000d2663C0091e4f400237545B87B996B', '0xe2222d279d744050d28e00520010520000310F59'];

/**
 * One OrderFilled log as the followed maker's fill. side 0 = the maker bought: it paid
 * makerAmountFilled collateral for takerAmountFilled shares; side 1 = it sold makerAmountFilled shares.
 */
export function decodeOrderFilled(log: Pick<Log, 'data' | 'topics' | 'transactionHash' | 'logIndex'>, clock: Clock): WhaleFill | undefined {
  const decoded = decodeEventLog({ abi: ORDER_FILLED_ABI, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
  const { maker, side, tokenId, makerAmountFilled, takerAmountFilled } = decoded.args;
  const buy = side === 0;
  const shares = buy ? takerAmountFilled : makerAmountFilled;
  const collateral = buy ? makerAmountFilled : takerAmountFilled;
  if (shares === 0n) return undefined;
  const now = clock.now();
  return {
    wallet: maker.toLowerCase(),
    token: tokenId.toString(),
    side: buy ? 'buy' : 'sell',
    size: shares,
    price: (collateral * 1_000_000n) / shares,
    // Block timestamps would cost a request per block; detection time is close (2 s blocks).
    timestamp: now,
    txHash: log.transactionHash ?? '0x',
    logIndex: log.logIndex ?? undefined,
    source: 'onchain',
    seenAt: now,
  };
}

export interface OnchainOptions {
  /** http(s):// polls eth_getLogs every intervalMs; ws(s):// subscribes (eth_subscribe logs). */
  rpcUrl: string;
  wallets: readonly string[];
  intervalMs: number;
  exchanges?: readonly Address[];
  /** Largest block range per eth_getLogs. */
  maxRange?: bigint;
  fetch?: typeof fetch;
}

/** The one log filter for every followed wallet: OrderFilled on the exchanges, maker (topic2) = any of them. */
export function orderFilledFilter(wallets: readonly string[], exchanges: readonly Address[] = V2_EXCHANGES): { address: string[]; topics: [Hex, null, Hex[]] } {
  return {
    address: exchanges.map((a) => a.toLowerCase()),
    topics: [ORDER_FILLED_TOPIC, null, [...new Set(wallets.map((w) => `0x${w.toLowerCase().replace(/^0x/, '').padStart(64, '0')}` as Hex))]],
  };
}

/** A log as JSON-RPC returns it (quantities hex). */
interface RpcLog {
  data: Hex;
  topics: Hex[];
  transactionHash: Hex | null;
  logIndex: Hex | null;
  blockNumber: Hex | null;
  removed?: boolean;
}

export class OnchainSource implements FillSource {
  readonly name = 'onchain' as const;
  readonly transport: 'websocket' | 'polling';
  private rpc: RpcTransport | undefined;
  private readonly filter;
  /** Next block eth_getLogs reads (polling), or the first block a re-subscription backfills from. */
  private next: bigint | undefined;
  private timers: Array<() => void> = [];
  private running: Promise<void> | undefined;
  private sink: FillSink | undefined;
  private stopped = false;
  private reconnecting = false;
  // The same log can come back when ranges overlap (an RPC error, a backfill after a reconnect):
  // (txHash, logIndex) is its identity.
  private readonly seenLogs = new Map<string, bigint>();
  /** Websocket (re)subscriptions made (status and tests). */
  subscriptions = 0;

  constructor(
    private readonly options: OnchainOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.transport = /^wss?:\/\//i.test(options.rpcUrl) ? 'websocket' : 'polling';
    this.filter = orderFilledFilter(options.wallets, options.exchanges);
  }

  async start(sink: FillSink): Promise<void> {
    this.sink = sink;
    if (this.transport === 'websocket') {
      await this.subscribe();
      // A websocket can die without closing: the head is read on the same socket as a heartbeat, and a
      // failure re-subscribes. It also moves the backfill point forward.
      this.timers.push(every(this.clock, this.options.intervalMs, () => void this.heartbeat()));
      return;
    }
    this.rpc = httpRpc(this.options.rpcUrl, this.options.fetch ?? fetch);
    this.next = (await this.head()) + 1n;
    const loop = () => {
      if (this.stopped) return;
      const cancel = this.clock.after(this.options.intervalMs, () => {
        this.running = this.poll().finally(loop);
      });
      this.timers = [cancel];
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.timers) cancel();
    await this.running;
    this.rpc?.close();
  }

  /** One eth_getLogs pass from `next` to the head (at most maxRange blocks). */
  async poll(): Promise<void> {
    try {
      await this.readLogs();
    } catch (error) {
      this.logger.warn(`on-chain getLogs: ${(error as Error).message}`);
    }
  }

  private async readLogs(): Promise<void> {
    const head = await this.head();
    const from = this.next ?? head;
    if (head < from) return;
    const maxRange = this.options.maxRange ?? 1000n;
    const to = head - from > maxRange ? from + maxRange : head;
    const logs = await this.rpc!.request<RpcLog[]>('eth_getLogs', [{ ...this.filter, fromBlock: hex(from), toBlock: hex(to) }]);
    for (const log of logs) this.deliver(log);
    this.next = to + 1n;
    for (const [id, block] of this.seenLogs) if (block + 100n < to) this.seenLogs.delete(id);
  }

  private deliver(log: RpcLog): void {
    if (log.removed) return; // a reorg took it back; the fill that replaces it comes as a new log
    const block = log.blockNumber ? BigInt(log.blockNumber) : (this.next ?? 0n);
    const id = `${log.transactionHash}:${log.logIndex}`;
    if (this.seenLogs.has(id)) return;
    this.seenLogs.set(id, block);
    const fill = decodeOrderFilled({ data: log.data, topics: log.topics as [Hex, ...Hex[]], transactionHash: log.transactionHash, logIndex: log.logIndex === null ? null : Number(log.logIndex) }, this.clock);
    if (fill) this.sink?.(fill);
  }

  private async head(): Promise<bigint> {
    return BigInt(await this.rpc!.request<Hex>('eth_blockNumber', []));
  }

  private async subscribe(): Promise<void> {
    this.rpc = await wsRpc(this.options.rpcUrl, {
      onNotification: (params) => this.deliver(params.result as RpcLog),
      onClose: () => void this.resubscribe(),
    });
    const head = await this.head();
    await this.rpc.request<string>('eth_subscribe', ['logs', this.filter]);
    this.subscriptions++;
    // Blocks between the last one known and the subscription are read once (a first start reads none).
    if (this.next !== undefined && this.next <= head) await this.readLogs();
    this.next = head + 1n;
  }

  private async heartbeat(): Promise<void> {
    if (this.reconnecting || this.stopped) return;
    try {
      const head = await this.head();
      // Everything up to a block a few behind the head has been pushed: a backfill starts there.
      if (head > 2n && (this.next === undefined || head - 2n > this.next)) this.next = head - 2n;
    } catch (error) {
      this.logger.warn(`on-chain websocket: ${(error as Error).message}: re-subscribing`);
      this.rpc?.close();
      await this.resubscribe();
    }
  }

  private async resubscribe(): Promise<void> {
    if (this.stopped || this.reconnecting) return;
    this.reconnecting = true;
    let delay = 250;
    try {
      while (!this.stopped) {
        try {
          await this.subscribe();
          return;
        } catch (error) {
          this.logger.warn(`on-chain websocket: ${(error as Error).message}`);
          await new Promise<void>((resolve) => this.timers.push(this.clock.after(delay, resolve)));
          delay = Math.min(delay * 2, 10_000);
        }
      }
    } finally {
      this.reconnecting = false;
    }
  }
}

const hex = (n: bigint): Hex => `0x${n.toString(16)}`;
