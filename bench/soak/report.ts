/** The campaign's figures as plain, stable lines (stdout); the last line is the one-line verdict. */
import { formatMicros } from '../../src/core/money.js';
import { short, type FillVerdict } from './audit.js';
import { exitText, type SoakResult } from './campaign.js';

const LISTED = 15;

export function renderSoak(result: SoakResult): string[] {
  const { audit: a, lives, options } = result;
  const out: string[] = [];
  const ends = (end: string) => lives.filter((l) => l.end === end).length;
  const plans = (plan: string) => lives.filter((l) => l.end === 'timer' && l.plan === plan).length;
  out.push(`soak: seed ${options.seed}, ${options.whales} whales, mirror funded with ${options.fundUsd} pUSD`);
  out.push(`whale timeline: ${(result.timelineMs / 1000).toFixed(1)} s, ${a.verdicts.length} whale fills on ${result.tokens} tokens`);
  out.push(
    `kills: ${result.kills} SIGKILL (${ends('after-venue')} right after the venue took an order, ${ends('before-venue')} with an order about to be sent, ` +
      `${plans('running')} at a random moment while running, ${plans('startup')} during startup, ${plans('after-venue') + plans('before-venue')} trap timeouts)`,
  );
  out.push(`mirror lives: ${lives.length}, started ${lives.filter((l) => l.started).length}, exited by themselves ${ends('self-exit')}`);
  for (const life of lives.filter((l) => l.end === 'self-exit' || (l.end === 'sigterm' && l.exit.code !== 0))) {
    out.push(`  mirror exit without a kill: ${exitText(life.exit)}: ${life.stderrTail.slice(-3).join(' | ') || '(no stderr)'}`);
  }
  out.push(`venue orders of the mirror: ${a.orders.posted} posted, ${a.orders.executed} executed, ${a.orders.refused} refused`);

  out.push('per whale fill (the stand-in\'s record, oldest first):');
  a.verdicts.forEach((v, i) => out.push(`  ${i + 1} ${fillText(v)}: ${verdictText(v)}`));
  out.push(`whale fills: ${a.verdicts.length}`);
  out.push(`copied once: ${a.copiedOnce}`);
  out.push(`copied twice: ${a.copiedTwice}`);
  const reasons = Object.entries(a.skipped).sort((x, y) => y[1] - x[1]);
  out.push(`skipped with reason: ${reasons.reduce((s, [, n]) => s + n, 0)}`);
  for (const [reason, n] of reasons) out.push(`  ${reason}: ${n}`);
  out.push(`never (no decision recorded): ${a.never} (fill while no mirror ran: ${a.neverByUptime.down}, while one ran: ${a.neverByUptime.running}, at a start or kill: ${a.neverByUptime.edge})`);

  for (const v of a.verdicts.filter((x) => x.category === 'twice')) {
    out.push(`  copied twice: ${fillText(v)}: orders ${v.orders.map((o) => `${short(o.orderId)} executed ${formatMicros(o.executed ?? 0n)}`).join(', ')}`);
  }

  out.push(`mirror vs venue executed size per signal: ${a.fillMismatches.length} differ`);
  for (const m of a.fillMismatches.slice(0, LISTED)) {
    out.push(`  signal ${short(m.key.split('|')[0]!)} ${m.key.split('|')[2]} (${m.status}): mirror booked ${formatMicros(m.mirrorSize)} shares, venue executed ${formatMicros(m.venueSize)}`);
  }
  if (a.fillMismatches.length > LISTED) out.push(`  ... ${a.fillMismatches.length - LISTED} more`);
  out.push(`orders executed for no whale fill: ${a.orders.orphans.length}`);
  for (const o of a.orders.orphans.slice(0, LISTED)) out.push(`  order ${short(o.orderId)} ${o.side} token ${short(o.token)} executed ${formatMicros(o.executed ?? 0n)}`);

  const s = result.summary;
  out.push(`books: venue cash ${formatMicros(a.books.venueCash)}, mirror summary cash ${s ? s.cash : 'none'}`);
  for (const [token, shares] of a.books.venueShares) out.push(`  venue shares of token ${short(token)}: ${formatMicros(shares)}`);
  out.push(`books differences: ${a.books.diffs.length}`);
  for (const d of a.books.diffs) out.push(`  ${d.what}: mirror ${d.mirror}, venue ${d.venue}`);
  if (result.keptDir) out.push(`state kept in ${result.keptDir}`);
  out.push(
    `soak: copied-once ${a.copiedOnce}, copied-twice ${a.copiedTwice}, never ${a.never}, books-equal ${a.books.equal ? 'yes' : 'no'}`,
  );
  return out;
}

function verdictText(v: FillVerdict): string {
  const orders = v.orders.map((o) => `${short(o.orderId)} executed ${o.executed === undefined ? 'nothing (refused)' : formatMicros(o.executed)}`).join(', ');
  switch (v.category) {
    case 'once':
      return `copied once (${orders})`;
    case 'twice':
      return `copied ${v.copies} times (${orders})`;
    case 'skipped':
      return `skipped: ${v.reason}${orders ? ` (${orders})` : ''}`;
    case 'never':
      return `never (no decision recorded; ${v.uptime === 'down' ? 'no mirror ran' : v.uptime === 'running' ? 'a mirror ran' : 'at a start or kill'})`;
  }
}

function fillText(v: FillVerdict): string {
  const f = v.fill;
  return `whale ${short(f.wallet)} ${f.side} ${f.size} @ ${f.price} token ${short(f.token)} tx ${short(f.txHash)} at ${new Date(f.timestamp * 1000).toISOString()}`;
}
