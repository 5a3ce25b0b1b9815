// A stacked bar chart in plain SVG: one bar per time bucket, one colour per series, a legend and a table-like
// title per bar for screen readers and hover. Drawn here rather than by a charting library: the page needs bars
// over time and nothing more, and this keeps the bundle a few KB and free of inline styles the CSP forbids.
import type { ChartData } from './usage-data';
import { stackMax } from './usage-data';

/** Colour-blind-safe (Okabe–Ito), then greys for the rest. */
const COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442'];
const colour = (i: number) => COLOURS[i] ?? `hsl(0 0% ${40 + ((i * 9) % 45)}%)`;

const WIDTH = 640;
const HEIGHT = 180;
const LEFT = 72;
const BOTTOM = 20;

export function StackedBars(props: {
  title: string;
  data: ChartData;
  format: (value: number) => string;
  /** How a bucket's start is labelled on the axis. */
  tick: (start: string) => string;
  id: string;
}) {
  const { data } = props;
  const max = stackMax(data);
  const plotWidth = WIDTH - LEFT;
  const plotHeight = HEIGHT - BOTTOM;
  const slot = data.buckets.length > 0 ? plotWidth / data.buckets.length : plotWidth;
  const bar = Math.max(1, slot * 0.8);
  const y = (value: number) => (max > 0 ? (value / max) * (plotHeight - 4) : 0);
  // About six labels on the axis, whatever the number of buckets.
  const every = Math.max(1, Math.ceil(data.buckets.length / 6));
  return (
    <figure class="chart" data-chart={props.id}>
      <figcaption>
        <strong>{props.title}</strong>
        <span class="muted"> · max {props.format(max)}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${props.title}, ${data.buckets.length} buckets, largest ${props.format(max)}`}
      >
        <line x1={LEFT} y1={plotHeight} x2={WIDTH} y2={plotHeight} class="axis" />
        <text x={LEFT - 6} y={12} class="tick" text-anchor="end">
          {props.format(max)}
        </text>
        <text x={LEFT - 6} y={plotHeight} class="tick" text-anchor="end">
          0
        </text>
        {data.buckets.map((start, i) => {
          let base = plotHeight;
          const x = LEFT + i * slot + (slot - bar) / 2;
          const total = data.series.reduce((sum, s) => sum + s.values[i], 0);
          return (
            <g key={start} data-bucket={start} data-total={total}>
              <title>
                {`${props.tick(start)}: ${props.format(total)}`}
                {data.series
                  .filter((s) => s.values[i] > 0)
                  .map((s) => `\n${s.name}: ${props.format(s.values[i])}`)
                  .join('')}
              </title>
              {data.series.map((s, k) => {
                const height = y(s.values[i]);
                if (height <= 0) return null;
                base -= height;
                return (
                  <rect key={s.name} x={x} y={base} width={bar} height={height} fill={colour(k)} />
                );
              })}
              {i % every === 0 ? (
                <text x={x + bar / 2} y={HEIGHT - 4} class="tick" text-anchor="middle">
                  {props.tick(start)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {data.series.map((s, k) => (
          <li key={s.name}>
            <svg viewBox="0 0 10 10" aria-hidden="true">
              <rect width="10" height="10" fill={colour(k)} />
            </svg>
            {s.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}
