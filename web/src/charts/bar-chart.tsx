import { niceTicks, type StackedData } from "./chart-data.ts";
import "./charts.css";
import { useWidth } from "./use-width.ts";
import { ValueGrid } from "./value-grid.tsx";

const H = 220;
const PAD = { left: 48, right: 8, top: 10, bottom: 28 };

/**
 * Stacked bars drawn as SVG, with a legend and the numbers in a table for
 * screen readers and anyone who wants them exactly. No chart library: a few
 * rectangles are all it takes.
 */
export function BarChart({
  data,
  label,
  formatValue,
  formatX = (x) => x,
}: {
  data: StackedData;
  /** What the chart shows, for its accessible name and caption. */
  label: string;
  formatValue: (n: number) => string;
  formatX?: (x: string) => string;
}) {
  const [ref, measured] = useWidth<HTMLElement>(640);
  const W = Math.max(280, measured);
  const ticks = niceTicks(data.max);
  const top = ticks.at(-1) ?? 1;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(1, data.xs.length);
  const barW = Math.min(56, Math.max(2, slot * 0.7));
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;
  const labelEvery = Math.ceil(data.xs.length / Math.max(2, Math.floor(innerW / 64)));
  return (
    <figure className="chart" ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <ValueGrid ticks={ticks} y={y} left={PAD.left} right={W - PAD.right} formatValue={formatValue} />
        {data.xs.map((x, i) => {
          let base = 0;
          const cx = PAD.left + i * slot + (slot - barW) / 2;
          return (
            <g key={x}>
              {data.values[i]?.map((v, j) => {
                if (v <= 0) return null;
                const rect = (
                  <rect
                    key={data.series[j]}
                    x={cx}
                    width={barW}
                    y={y(base + v)}
                    height={Math.max(0.5, y(base) - y(base + v))}
                    className={`series-${j % 8}`}
                  >
                    <title>{`${formatX(x)} · ${data.series[j]}: ${formatValue(v)}`}</title>
                  </rect>
                );
                base += v;
                return rect;
              })}
              {i % labelEvery === 0 && (
                <text x={cx + barW / 2} y={H - 8} textAnchor="middle" className="axis">
                  {formatX(x)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {data.series.length > 1 && (
          <ul className="legend" aria-label="Legend">
            {data.series.map((s, j) => (
              <li key={s}>
                <span className={`swatch series-${j % 8}`} aria-hidden="true" />
                {s}
              </li>
            ))}
          </ul>
        )}
        <details>
          <summary>{label}: the numbers</summary>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">—</th>
                  {data.series.map((s) => (
                    <th key={s} scope="col">
                      {s}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.xs.map((x, i) => (
                  <tr key={x}>
                    <th scope="row">{formatX(x)}</th>
                    {data.series.map((s, j) => (
                      <td key={s}>{formatValue(data.values[i]?.[j] ?? 0)}</td>
                    ))}
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
