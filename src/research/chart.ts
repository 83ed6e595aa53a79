/** A small equity curve for a terminal: one column per time slice, the value at that time as a dot. */
export interface CurvePoint {
  /** ms. */
  at: number;
  value: number;
}

export function equityChart(points: readonly CurvePoint[], width = 60, height = 8): string {
  if (points.length === 0) return '';
  const start = points[0]!.at;
  const end = points.at(-1)!.at;
  const columns: number[] = [];
  let j = 0;
  for (let c = 0; c < width; c++) {
    const t = end === start ? end : start + ((end - start) * c) / (width - 1);
    while (j + 1 < points.length && points[j + 1]!.at <= t) j++;
    columns.push(points[j]!.value);
  }
  const low = Math.min(...columns);
  const high = Math.max(...columns);
  const rowOf = (v: number) => (high === low ? 0 : Math.round(((v - low) / (high - low)) * (height - 1)));
  const label = (v: number) => v.toFixed(2).padStart(10);
  const lines: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    const cells = columns.map((v) => (rowOf(v) === row ? '•' : ' ')).join('');
    const axis = row === height - 1 ? `${label(high)} ┤` : row === 0 ? `${label(low)} ┤` : `${' '.repeat(10)} │`;
    lines.push(`${axis}${cells}`);
  }
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  lines.push(`${' '.repeat(11)}└${'─'.repeat(width)}`);
  lines.push(`${' '.repeat(12)}${day(start)}${day(end).padStart(width - 10)}`);
  return lines.join('\n');
}
