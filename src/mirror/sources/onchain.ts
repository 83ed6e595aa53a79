/**
 * The on-chain source: OrderFilled logs of Polymarket's V2 exchanges with maker = a followed wallet
 * (the maker topic catches the wallet's maker and taker fills alike), polled with eth_getLogs.
 * Starts at the head block, so history before the start is never read.
 */
import { createPublicClient, decodeEventLog, http, parseAbi, type Address, type Hex, type Log } from 'viem';
import type { Clock, Logger } from '../../core/runtime.js';
import type { WhaleFill } from '../types.js';
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
  rpcUrl: string;
  wallets: readonly string[];
  intervalMs: number;
  exchanges?: readonly Address[];
  /** Largest block range per eth_getLogs. */
  maxRange?: bigint;
  fetch?: typeof fetch;
}

export class OnchainSource implements FillSource {
  readonly name = 'onchain' as const;
  private readonly client;
  private next: bigint | undefined;
  private cancelTimer: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  // The same log can come back when ranges overlap after an RPC error: (txHash, logIndex) is its identity.
  private readonly seenLogs = new Map<string, bigint>();

  constructor(
    private readonly options: OnchainOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.client = createPublicClient({ transport: http(options.rpcUrl, options.fetch ? { fetchFn: options.fetch } : {}) });
  }

  async start(sink: FillSink): Promise<void> {
    this.next = (await this.client.getBlockNumber({ cacheTime: 0 })) + 1n;
    const loop = () => {
      if (this.stopped) return;
      this.cancelTimer = this.clock.after(this.options.intervalMs, () => {
        this.running = this.poll(sink).finally(loop);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    await this.running;
  }

  async poll(sink: FillSink): Promise<void> {
    try {
      const head = await this.client.getBlockNumber({ cacheTime: 0 });
      const from = this.next ?? head;
      if (head < from) return;
      const to = head - from > (this.options.maxRange ?? 1000n) ? from + (this.options.maxRange ?? 1000n) : head;
      const logs = await this.client.getLogs({
        address: [...(this.options.exchanges ?? V2_EXCHANGES)],
        event: ORDER_FILLED_ABI[0],
        args: { maker: this.options.wallets.map((w) => w as Address) },
        fromBlock: from,
        toBlock: to,
      });
      for (const log of logs) {
        const id = `${log.transactionHash}:${log.logIndex}`;
        if (this.seenLogs.has(id)) continue;
        this.seenLogs.set(id, log.blockNumber ?? to);
        const fill = decodeOrderFilled(log, this.clock);
        if (fill) sink(fill);
      }
      this.next = to + 1n;
      for (const [id, block] of this.seenLogs) if (block + 100n < to) this.seenLogs.delete(id);
    } catch (error) {
      this.logger.warn(`on-chain getLogs: ${(error as Error).message}`);
    }
  }
}
