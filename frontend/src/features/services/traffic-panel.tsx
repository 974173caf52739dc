import { lazy, Suspense, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { DateTime } from '../../components/date-time';
import { ErrorBoundary } from '../../components/error-boundary';
import { ErrorMessage } from '../../components/error-message';
import { ServiceTrafficDocument, type ServiceTrafficQuery } from '../../gql/graphql';
import { useQuery } from '../../lib/use-query';
import type { TrafficSeries } from './traffic-chart';

// uPlot is loaded with the first service page that shows a chart, not with the app.
const TrafficChart = lazy(() => import('./traffic-chart'));

/** How often the figures are asked for, and so the chart's resolution. */
export const TRAFFIC_POLL_MS = 2000;
const MAX_SAMPLES = 150;

type Version = ServiceTrafficQuery['services'][number];

interface History {
  times: number[];
  rates: Map<string, Array<number | null>>;
  last: Map<string, { at: number; requests: number }>;
}

/**
 * The traffic of a service's main version and each shadow side by side, as the proxy measured it
 * (a shadow's figures are how its mirrored copies went: what to look at before making it main), and
 * a chart of requests per second of each since this page was opened.
 */
export function TrafficPanel({ name }: { name: string }) {
  const query = useQuery(ServiceTrafficDocument, { name }, { pollInterval: TRAFFIC_POLL_MS });
  const history = useRef<History>({ times: [], rates: new Map(), last: new Map() });
  const versions = useMemo(() => {
    const list = query.data?.services ?? [];
    return [...list].sort((a, b) => Number(b.main) - Number(a.main));
  }, [query.data]);

  const [series, setSeries] = useState<{ times: number[]; series: TrafficSeries[] }>({
    times: [],
    series: [],
  });

  // one sample per answer: each version's requests per second since the previous answer
  useEffect(() => {
    if (versions.length === 0) {
      return;
    }
    const state = history.current;
    const at = Date.now() / 1000;
    state.times.push(at);
    for (const version of versions) {
      const previous = state.last.get(version.version);
      const rate =
        previous && at > previous.at
          ? Math.max(0, (version.traffic.requests - previous.requests) / (at - previous.at))
          : null;
      state.last.set(version.version, { at, requests: version.traffic.requests });
      const rates =
        state.rates.get(version.version) ?? new Array<number | null>(state.times.length - 1).fill(null);
      rates.push(rate);
      state.rates.set(version.version, rates);
    }
    for (const rates of state.rates.values()) {
      if (rates.length < state.times.length) {
        rates.push(null);
      }
      if (rates.length > MAX_SAMPLES) {
        rates.splice(0, rates.length - MAX_SAMPLES);
      }
    }
    if (state.times.length > MAX_SAMPLES) {
      state.times.splice(0, state.times.length - MAX_SAMPLES);
    }
    setSeries({
      times: [...state.times],
      series: versions.map((version) => ({
        label: `${version.version}${version.main ? ' (main)' : ''}`,
        main: version.main,
        values: [...(state.rates.get(version.version) ?? [])],
      })),
    });
  }, [versions]);

  if (query.error && !query.data) {
    return <ErrorMessage title="Could not read the traffic figures" error={query.error} />;
  }
  if (!query.data) {
    return (
      <p className="panel__note" role="status">
        Reading traffic…
      </p>
    );
  }

  return (
    <div className="traffic">
      <div className="table-scroll">
        <table className="data-table traffic-table">
          <caption className="visually-hidden">Traffic of each version since it was deployed</caption>
          <thead>
            <tr>
              <th scope="col">Figure</th>
              {versions.map((version) => (
                <th
                  scope="col"
                  key={version.version}
                  className={version.main ? 'traffic-table__main' : undefined}
                >
                  {version.version} <span className="muted">{version.main ? 'main' : 'shadow'}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <Row label="Requests" versions={versions} value={(v) => v.traffic.requests.toLocaleString()} />
            <Row
              label="Of which mirrored"
              versions={versions}
              value={(v) => v.traffic.mirrored.toLocaleString()}
            />
            <Row label="5xx answers" versions={versions} value={(v) => errors(v)} />
            <Row label="Latency p50" versions={versions} value={(v) => ms(v.traffic.p50Ms)} />
            <Row label="Latency p90" versions={versions} value={(v) => ms(v.traffic.p90Ms)} />
            <Row label="Latency p99" versions={versions} value={(v) => ms(v.traffic.p99Ms)} />
            <Row
              label="Last request"
              versions={versions}
              value={(v) => <DateTime value={v.traffic.lastRequestAt} fallback="None yet" />}
            />
          </tbody>
        </table>
      </div>
      <figure className="traffic__chart">
        <ErrorBoundary
          fallback={() => (
            <div className="traffic__chart-placeholder">The chart could not be drawn here.</div>
          )}
        >
          <Suspense fallback={<div className="traffic__chart-placeholder">Loading the chart…</div>}>
            <TrafficChart times={series.times} series={series.series} />
          </Suspense>
        </ErrorBoundary>
        <figcaption className="traffic__caption">
          Requests per second of each version since this page was opened, every {TRAFFIC_POLL_MS / 1000} s.
        </figcaption>
      </figure>
    </div>
  );
}

function Row({
  label,
  versions,
  value,
}: {
  label: string;
  versions: Version[];
  value: (version: Version) => ReactNode;
}) {
  return (
    <tr>
      <th scope="row">{label}</th>
      {versions.map((version) => (
        <td key={version.version}>{value(version)}</td>
      ))}
    </tr>
  );
}

function ms(value: number | null | undefined): string {
  return value === null || value === undefined
    ? '—'
    : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function errors(version: Version): string {
  const { serverErrors, requests } = version.traffic;
  if (requests === 0) {
    return String(serverErrors);
  }
  return `${serverErrors.toLocaleString()} (${((serverErrors / requests) * 100).toFixed(1)} %)`;
}
