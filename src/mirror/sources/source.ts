/** A source of whale fills. Several can run at once; the TradeMonitor dedups what they deliver. */
import type { SourceName, WhaleFill } from '../types.js';

export type FillSink = (fill: WhaleFill) => void;

export interface FillSource {
  readonly name: SourceName;
  /** Starts delivering fills of the followed wallets; resolves once running. */
  start(sink: FillSink): Promise<void>;
  /** Stops and releases sockets and timers. */
  stop(): Promise<void>;
}
