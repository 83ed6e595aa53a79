/** Human lines for a terminal: one per event, a one-line live status, and the final summary. */
import type { VenueSummary } from './engine.js';
import type { MirrorEvent, MirrorStatus } from './events.js';

const short = (id: string | null) => (id && id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-4)}` : (id ?? '?'));
const n = (v: number | null, digits = 2) => (v === null ? '?' : v.toFixed(digits));
/** ` ("Will it rain tomorrow?" Yes)`: people know markets by title, and a title alone names two tokens. */
const named = (e: Pick<MirrorEvent, 'title' | 'outcome'>) =>
  e.title ? ` ("${e.title}"${e.outcome ? ` ${e.outcome}` : ''})` : e.outcome ? ` (${e.outcome})` : '';

export function formatEvent(e: MirrorEvent): string {
  const who = `${short(e.wallet)} ${e.side?.toUpperCase() ?? ''} ${n(e.whaleSize)} @ ${n(e.whalePrice, 3)} on ${short(e.token)}${named(e)}`;
  switch (e.type) {
    case 'started':
      return `mirror ${e.status}: ${e.detail ?? ''}`;
    case 'decision':
      return e.status === 'skip' ? `skip  ${who}: ${e.reason}${e.detail ? ` (${e.detail})` : ''}` : `copy  ${who} -> ${n(e.copySize)} shares, price cap ${n(e.copyPrice, 3)}${e.reason ? ` (limited by ${e.reason})` : ''}`;
    case 'order':
      return e.filledSize && e.filledSize > 0
        ? `${e.status === 'dry_run' ? 'dry   ' : 'fill  '}${who}: ${n(e.filledSize)} shares for $${n(e.filledValue)} (order ${short(e.orderId)})`
        : `${e.status === 'dry_run' ? 'dry  ' : 'miss '} ${who}: ${e.status}${e.reason ? ` (${e.reason})` : ''}`;
    case 'reconciled':
      return e.status === 'not_sent'
        ? `after a restart: ${who}: ${e.reason}`
        : `reconciled ${short(e.orderId)}: ${e.status}, ${n(e.filledSize)} shares (${e.reason})`;
    case 'book':
      return `books ${e.status === 'adopted' ? 'corrected' : 'differ'} (${e.reason}): ${e.token ? `${short(e.token)} shares` : 'cash'} ${n(e.bookAmount)} in the books, ${n(e.venueAmount)} at the venue`;
    case 'cashout':
      return `cashout $${n(e.amount)} -> ${e.destination} (${e.reason}${e.txHash ? `, tx ${short(e.txHash)}` : ''})`;
    case 'detection':
      return `seen  ${who}: ${detectionLine(e)}`;
    case 'warning':
      return `warning: ${e.detail ?? e.reason ?? ''}`;
    case 'stopped':
      return 'mirror stopped';
  }
}

export function formatStatus(s: MirrorStatus): string {
  const pnl = s.realizedPnl + s.unrealizedPnl;
  return `${s.wallets.length} wallet(s) | signals ${s.signals.seen} seen, ${s.signals.copied} copied, ${s.signals.skipped} skipped | ${s.positions.length} position(s) | cash $${s.cash.toFixed(2)} | PnL ${pnl >= 0 ? '+' : ''}${pnl.toFixed(2)}`;
}

export function formatSummary(s: MirrorStatus & { reconciled?: number; venue?: VenueSummary | null }): string {
  const reasons = Object.entries(s.skipReasons).sort((a, b) => b[1] - a[1]);
  const lines = [
    `Mirror summary${s.dryRun ? ' (dry run: nothing was sent)' : ''}`,
    `  followed: ${s.wallets.join(', ')} via ${s.sources.join(' + ')}`,
    `  signals: ${s.signals.seen} seen, ${s.signals.copied} copied, ${s.signals.skipped} skipped, ${s.signals.failed} failed (${s.signals.duplicates} duplicates and ${s.signals.beforeStart} older trades ignored)`,
    ...(reasons.length ? [`  skipped because: ${reasons.map(([r, c]) => `${r} ${c}`).join(', ')}`] : []),
    `  orders: ${s.orders.sent} sent, ${s.orders.filled} filled, ${s.orders.partiallyFilled} partly filled, ${s.orders.missed} not filled, ${s.orders.unknown} unknown`,
    `  positions: ${s.positions.length ? s.positions.map((p) => `${short(p.token)}${p.title ? ` "${p.title}"` : ''} ${p.size.toFixed(2)} @ ${p.size ? (p.cost / p.size).toFixed(3) : '0'}`).join(', ') : 'none'}`,
    `  cash $${s.cash.toFixed(2)}, realized PnL ${s.realizedPnl.toFixed(2)}, unrealized ${s.unrealizedPnl.toFixed(2)}${s.fees ? `, fees $${s.fees.toFixed(2)}` : ''}${s.cashedOut ? `, cashed out $${s.cashedOut.toFixed(2)}` : ''}`,
    ...detectionLines(s.detection),
    ...venueLines(s.venue),
  ];
  return lines.join('\n');
}

/** "first by rtds, data-api +850 ms, onchain missed" */
function detectionLine(e: MirrorEvent): string {
  const race = e.detection;
  if (!race) return `first by ${e.source ?? '?'}`;
  const later = race.reports.slice(1).map((r) => `${r.source} +${Math.round(r.afterMs)} ms`);
  return [`first by ${race.first}`, ...later, ...race.missed.map((s) => `${s} missed`)].join(', ');
}

function detectionLines(detection: MirrorStatus['detection'] | undefined): string[] {
  if (!detection || detection.sources.length === 0) return [];
  const lead = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);
  const lines = [`  detection (race window ${Math.round(detection.windowMs / 1000)} s${detection.pending ? `, ${detection.pending} fill(s) still in it` : ''}):`];
  for (const s of detection.sources) {
    lines.push(`    ${s.source.padEnd(8)} first ${s.first}, confirmed ${s.confirmed}, missed ${s.missed}, lead over the next p50 ${lead(s.leadP50Ms)} / p99 ${lead(s.leadP99Ms)}`);
  }
  return lines;
}

function venueLines(venue: VenueSummary | null | undefined): string[] {
  if (venue === undefined) return [];
  if (venue === null) return ['  at the venue: not read (dry run, or the venue did not answer)'];
  const positions = venue.positions.length ? venue.positions.map((p) => `${short(p.token)} ${p.size.toFixed(2)}`).join(', ') : 'none';
  const lines = [`  at the venue: cash $${venue.cash === null ? '?' : venue.cash.toFixed(2)}, positions ${positions}`];
  if (venue.differences.length === 0) lines.push('  books equal the venue');
  for (const d of venue.differences) lines.push(`  books differ: ${d.token ? `${short(d.token)} shares` : 'cash'} ${d.book} in the books, ${d.venue} at the venue`);
  return lines;
}
