/** The horizontal grid lines of a chart's value axis, each labelled at the left. */
export function ValueGrid({
  ticks,
  y,
  left,
  right,
  formatValue,
}: {
  ticks: number[];
  /** Where a value sits vertically, in SVG units. */
  y: (value: number) => number;
  left: number;
  right: number;
  formatValue: (n: number) => string;
}) {
  return ticks.map((t) => (
    <g key={t}>
      <line x1={left} x2={right} y1={y(t)} y2={y(t)} className="grid" />
      <text x={left - 6} y={y(t) + 4} textAnchor="end" className="axis">
        {formatValue(t)}
      </text>
    </g>
  ));
}
