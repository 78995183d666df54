import { niceTicks } from "./chart-data.ts";
import "./charts.css";
import { useWidth } from "./use-width.ts";
import { ValueGrid } from "./value-grid.tsx";

const H = 220;
const PAD = { left: 56, right: 8, top: 10, bottom: 28 };

/** One point of a {@link LineChart}. */
export interface LinePoint {
  x: string;
  y: number;
  /** Drawn emphasised (e.g. the current month). */
  highlight?: boolean;
}

/** A line over labelled points as SVG, with the numbers in a table behind a disclosure. */
export function LineChart({
  points,
  label,
  formatValue,
}: {
  points: LinePoint[];
  label: string;
  formatValue: (n: number) => string;
}) {
  const [ref, measured] = useWidth<HTMLElement>(640);
  const W = Math.max(280, measured);
  const ticks = niceTicks(Math.max(0, ...points.map((p) => p.y)));
  const top = ticks.at(-1) ?? 1;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length < 2 ? innerW / 2 : (i / (points.length - 1)) * innerW);
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;
  const path = points
    .map((p, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(p.y).toFixed(1)}`)
    .join(" ");
  const labelEvery = Math.ceil(points.length / Math.max(2, Math.floor(innerW / 64)));
  return (
    <figure className="chart" ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <ValueGrid ticks={ticks} y={y} left={PAD.left} right={W - PAD.right} formatValue={formatValue} />
        <path d={path} className="line" />
        {points.map((p, i) => (
          <g key={p.x}>
            <circle
              cx={x(i)}
              cy={y(p.y)}
              r={p.highlight ? 5 : 2.5}
              className={p.highlight ? "dot highlight" : "dot"}
            >
              <title>{`${p.x}: ${formatValue(p.y)}`}</title>
            </circle>
            {i % labelEvery === 0 && (
              <text x={x(i)} y={H - 8} textAnchor="middle" className="axis">
                {p.x}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption>
        <details>
          <summary>{label}: the numbers</summary>
          <div className="table-scroll">
            <table>
              <tbody>
                {points.map((p) => (
                  <tr key={p.x}>
                    <th scope="row">
                      {p.x}
                      {p.highlight ? " (now)" : ""}
                    </th>
                    <td>{formatValue(p.y)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </figcaption>
    </figure>
  );
}
