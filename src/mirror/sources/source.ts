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

/**
 * The sources a mirror runs when none are named: every one, raced, each where its endpoint is
 * configured (defaultSources). RTDS (pushed, fastest) and the Data API (polled; reads what a silent
 * stream missed) always; the chain when a Polygon RPC is configured. The one place this default lives
 * (settings, help text and engine use it).
 */
export const DEFAULT_SOURCES: readonly SourceName[] = ['rtds', 'data-api', 'onchain'];
export const DEFAULT_SOURCES_HELP = 'rtds + data-api, + onchain when a Polygon RPC is configured';

/** DEFAULT_SOURCES that these endpoints can serve. */
export function defaultSources(endpoints: { rtdsUrl?: string; rpcUrl?: string }): SourceName[] {
  const available: Record<SourceName, boolean> = { rtds: Boolean(endpoints.rtdsUrl), 'data-api': true, onchain: Boolean(endpoints.rpcUrl) };
  return DEFAULT_SOURCES.filter((name) => available[name]);
}
