/**
 * One live graph, drawn by uPlot on a canvas. Its line colours come from
 * the JupyterLab theme's variables, read when the graph is made and again
 * when the theme changes; the legend beside it shows each line's latest value.
 */
import * as React from 'react';
import uPlot from 'uplot';

export interface IChartLine {
  label: string;
  values: (number | null)[];
  /** A --jp-* colour variable. */
  colorVar: string;
}

export interface IMetricsChartProps {
  title: string;
  /** Seconds since the epoch, oldest first. */
  times: number[];
  lines: IChartLine[];
  format: (value: number) => string;
  /** Fixed range for percentages; otherwise from the data. */
  max?: number;
}

const HEIGHT = 140;

export function MetricsChart(props: IMetricsChartProps): JSX.Element {
  const { title, times, lines, format, max } = props;
  const holder = React.useRef<HTMLDivElement>(null);
  const plot = React.useRef<uPlot | null>(null);
  const theme = useThemeName();
  const data = [times, ...lines.map(l => l.values)] as uPlot.AlignedData;

  // Made again when the theme changes, so that its colours apply.
  React.useEffect(() => {
    const element = holder.current;
    if (!element) {
      return;
    }
    const css = getComputedStyle(element);
    const color = (name: string): string => css.getPropertyValue(name).trim();
    const axis: uPlot.Axis = {
      stroke: color('--jp-ui-font-color2'),
      grid: { stroke: color('--jp-border-color2'), width: 1 },
      ticks: { stroke: color('--jp-border-color2'), width: 1 },
      font: `10px ${color('--jp-ui-font-family') || 'sans-serif'}`
    };
    const made = new uPlot(
      {
        width: Math.max(element.clientWidth, 200),
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: max === undefined ? { range: (_u, _min, top) => [0, Math.max(top, 1e-6)] } : { range: [0, max] } },
        axes: [axis, { ...axis, size: 56, values: (_u, ticks) => ticks.map(format) }],
        series: [
          {},
          ...lines.map(l => ({ label: l.label, stroke: color(l.colorVar), width: 1.5, spanGaps: false }))
        ]
      },
      data,
      element
    );
    plot.current = made;
    const resize = new ResizeObserver(() => made.setSize({ width: Math.max(element.clientWidth, 200), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = null;
    };
    // Lines are fixed per graph; only the theme makes it again.
  }, [theme]);

  React.useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure className="jp-Prism-chart" data-points={times.length} aria-label={title}>
      <figcaption className="jp-Prism-chartTitle">
        <span>{title}</span>
        <span className="jp-Prism-chartLegend">
          {lines.map(l => (
            <span key={l.label} className="jp-Prism-chartValue" data-line={l.label}>
              <span className="jp-Prism-chartSwatch" style={{ background: `var(${l.colorVar})` }} />
              {l.label} {latest(l.values, format)}
            </span>
          ))}
        </span>
      </figcaption>
      <div ref={holder} className="jp-Prism-chartCanvas" />
    </figure>
  );
}

function latest(values: (number | null)[], format: (value: number) => string): string {
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    if (value !== null) {
      return format(value);
    }
  }
  return '—';
}

/** JupyterLab names the theme on <body>; a change there means new colours. */
function useThemeName(): string | undefined {
  const read = (): string | undefined => document.body.dataset.jpThemeName;
  const [name, setName] = React.useState(read);
  React.useEffect(() => {
    const watch = new MutationObserver(() => setName(read()));
    watch.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-name'] });
    return () => watch.disconnect();
  }, []);
  return name;
}
