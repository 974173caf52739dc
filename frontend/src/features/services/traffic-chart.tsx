import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface TrafficSeries {
  label: string;
  main: boolean;
  values: Array<number | null>;
}

interface TrafficChartProps {
  /** Sample times, in seconds since the epoch. */
  times: number[];
  series: TrafficSeries[];
}

const SHADOW_COLOURS = ['#f4b740', '#8b95ac', '#3ddc97', '#c792ea', '#f2585b'];

/** Requests per second of each version over time, drawn by uPlot on a canvas. */
export default function TrafficChart({ times, series }: TrafficChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const shape = series.map((item) => item.label).join('\u0000');

  useEffect(() => {
    const element = container.current;
    if (!element) {
      return;
    }
    let shadow = 0;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height: 180,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
      axes: [
        { stroke: '#8b95ac', grid: { stroke: '#1e2638' }, ticks: { stroke: '#28324a' } },
        {
          stroke: '#8b95ac',
          grid: { stroke: '#1e2638' },
          ticks: { stroke: '#28324a' },
          size: 44,
          values: (_u, ticks) => ticks.map((tick) => `${+tick.toFixed(1)}/s`),
        },
      ],
      series: [
        {},
        ...series.map((item) => ({
          label: item.label,
          stroke: item.main ? '#5ee6d0' : SHADOW_COLOURS[shadow++ % SHADOW_COLOURS.length],
          width: item.main ? 2 : 1.5,
          spanGaps: true,
          points: { show: false },
          value: (_u: uPlot, value: number | null) => (value === null ? '—' : `${value.toFixed(2)}/s`),
        })),
      ],
    };
    chart.current = new uPlot(options, [[], ...series.map(() => [])], element);
    const resize = new ResizeObserver(() => {
      chart.current?.setSize({ width: Math.max(200, element.clientWidth), height: 180 });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
    // the chart is rebuilt only when the versions change; data changes go through setData
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  useEffect(() => {
    chart.current?.setData([times, ...series.map((item) => item.values)] as uPlot.AlignedData);
  }, [times, series]);

  return (
    <div
      ref={container}
      className="traffic-chart"
      role="img"
      aria-label="Requests per second of each version"
    />
  );
}
