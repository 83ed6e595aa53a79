/**
 * `backtest --report <file.html>`: one self-contained page (inline SVG and CSS, no scripts, no network)
 * with the equity curve, the drawdown and the copied trades.
 */
import type { BacktestResult } from './present.js';

const W = 760;
const H = 220;
const PAD = 40;

export function reportHtml(result: BacktestResult, generatedAt: number): string {
  const curve = result.equity.map((p) => ({ at: p.at, value: p.equity }));
  let peak = -Infinity;
  const drawdown = curve.map((p) => {
    peak = Math.max(peak, p.value);
    return { at: p.at, value: p.value - peak };
  });
  const trades = result.trades
    .map((t) => `<tr><td>${iso(t.at)}</td><td>${esc(t.title ?? t.token)}</td><td>${t.side}</td><td>${t.size.toFixed(2)}</td><td>${t.price.toFixed(4)}</td><td>${t.whalePrice?.toFixed(4) ?? ''}</td><td>${t.value.toFixed(2)}</td><td>${t.fee.toFixed(4)}</td></tr>`)
    .join('\n');
  const latencies = result.latencies
    .map((l) => `<tr><td>${l.latency}</td><td>${l.pnl.toFixed(2)}</td><td>${l.copied}</td><td>${l.skipped}</td><td>${l.maxDrawdown.toFixed(2)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>betmirror backtest</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}th{background:#f4f4f4}td:nth-child(2){text-align:left}svg{background:#fafafa;border:1px solid #ddd}</style>
</head><body>
<h1>Backtest: ${esc(result.wallets.join(', '))}</h1>
<p>${iso(result.from)} to ${iso(result.to)} · latency ${result.latency} · bankroll ${result.bankroll.toFixed(2)} USD · generated ${iso(generatedAt)}</p>
<p>Copy PnL <b>${result.copy.pnl.toFixed(2)} USD</b> (ROI ${(result.copy.roi * 100).toFixed(2)}%), max drawdown ${result.copy.maxDrawdown.toFixed(2)} USD, fees ${result.copy.fees.toFixed(2)} USD; ${result.copy.copied} copied, ${result.copy.skipped} skipped. Whale PnL ${result.whale.pnl.toFixed(2)} USD on ${result.whale.invested.toFixed(2)} USD.</p>
<h2>Equity</h2>
${svg(curve, '#1f6feb')}
<h2>Drawdown</h2>
${svg(drawdown, '#d1242f')}
<h2>Latency</h2>
<table><tr><th>latency</th><th>PnL</th><th>copied</th><th>skipped</th><th>max drawdown</th></tr>
${latencies}
</table>
<h2>Copied trades</h2>
<table><tr><th>time (UTC)</th><th>market</th><th>side</th><th>shares</th><th>price</th><th>whale price</th><th>USD</th><th>fee</th></tr>
${trades}
</table>
</body></html>
`;
}

function svg(points: Array<{ at: number; value: number }>, colour: string): string {
  if (points.length === 0) return '<p>no data</p>';
  const t0 = points[0]!.at;
  const t1 = Math.max(points.at(-1)!.at, t0 + 1);
  const lo = Math.min(...points.map((p) => p.value));
  const hi = Math.max(...points.map((p) => p.value), lo + 0.01);
  const x = (t: number) => (PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD)).toFixed(1);
  const y = (v: number) => (H - PAD + ((lo - v) / (hi - lo)) * (H - 2 * PAD)).toFixed(1);
  // A step line: the value holds until the next point.
  const path = points.map((p, i) => (i === 0 ? `M${x(p.at)},${y(p.value)}` : `H${x(p.at)}V${y(p.value)}`)).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>
<text x="4" y="${PAD}" font-size="11">${hi.toFixed(2)}</text><text x="4" y="${H - PAD}" font-size="11">${lo.toFixed(2)}</text>
<text x="${PAD}" y="${H - 8}" font-size="11">${iso(t0).slice(0, 10)}</text><text x="${W - PAD - 70}" y="${H - 8}" font-size="11">${iso(t1).slice(0, 10)}</text>
</svg>`;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
