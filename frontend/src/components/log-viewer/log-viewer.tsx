import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLogBufferVersion, type LogBuffer, type LogEntry } from './log-buffer';
import './log-viewer.css';

/** Every row is one line high: no measuring, so 100 000 lines scroll as smoothly as 100. */
export const ROW_HEIGHT = 20;

interface LogViewerProps {
  buffer: LogBuffer;
  /** Names the log for screen readers, e.g. "Log of hello 1.0.0". */
  label: string;
  /** The download's file name before its time stamp, e.g. `hello_v1.0.0`. */
  basename: string;
  /** Whether lines still arrive (shown as Live); false once the stream ended. */
  live: boolean;
  /** Shown when there are no lines yet. */
  emptyText?: string;
  /** Something to show in the toolbar's status area, e.g. why the stream ended. */
  status?: ReactNode;
  /** Viewer height in CSS, e.g. `60vh`. */
  height?: string;
}

type Tone = 'error' | 'warn' | undefined;

/**
 * A log that follows new lines, pauses, searches and downloads, virtualised (TanStack Virtual) so
 * only the rows in view are in the DOM. Scrolling up stops following; "Jump to latest" resumes.
 * Pausing freezes the view while lines keep arriving underneath. Lines are text, never HTML.
 */
export function LogViewer({
  buffer,
  label,
  basename,
  live,
  emptyText,
  status,
  height = '60vh',
}: LogViewerProps) {
  const version = useLogBufferVersion(buffer);
  const lines = buffer.lines;
  const [follow, setFollow] = useState(true);
  const [paused, setPaused] = useState<{ count: number; dropped: number } | null>(null);
  const [query, setQuery] = useState('');
  const search = useDebounced(query.trim().toLowerCase(), 150);
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchId = useId();

  // While paused, the view holds the lines it had; new ones wait underneath.
  const shownCount = paused
    ? Math.max(0, paused.count - (buffer.droppedCount - paused.dropped))
    : lines.length;
  const matches = useMatches(lines, shownCount, search, version, buffer.droppedCount);
  const rowCount = matches ? matches.length : shownCount;

  // TanStack Virtual hands back a mutable instance, which the React Compiler leaves alone
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    initialRect: { width: 800, height: 400 },
  });

  // Following: the newest line stays in view.
  useEffect(() => {
    if (follow && rowCount > 0) {
      virtualizer.scrollToIndex(rowCount - 1, { align: 'end' });
    }
  }, [follow, rowCount, version, virtualizer]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) {
      return;
    }
    const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT * 2;
    if (!atBottom && follow) {
      setFollow(false);
    }
  };

  const waiting = paused ? lines.length - shownCount : 0;

  return (
    <div className="log-viewer" style={{ ['--log-height' as string]: height }}>
      <div className="log-viewer__toolbar">
        <div className="log-viewer__search">
          <label className="visually-hidden" htmlFor={searchId}>
            Search the log
          </label>
          <input
            id={searchId}
            className="input log-viewer__search-input"
            type="search"
            placeholder="Search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
          {matches && (
            <span className="log-viewer__matches" role="status">
              {matches.length === 1 ? '1 match' : `${matches.length.toLocaleString()} matches`}
            </span>
          )}
        </div>
        <div className="log-viewer__controls">
          <span className={`log-viewer__live${live && !paused ? ' log-viewer__live--on' : ''}`}>
            {!live ? 'Ended' : paused ? 'Paused' : 'Live'}
          </span>
          <button
            type="button"
            className="button button--small"
            aria-pressed={follow}
            onClick={() => setFollow(!follow)}
          >
            Follow
          </button>
          <button
            type="button"
            className="button button--small"
            aria-pressed={paused !== null}
            onClick={() => setPaused(paused ? null : { count: lines.length, dropped: buffer.droppedCount })}
          >
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button
            type="button"
            className="button button--small"
            disabled={lines.length === 0}
            onClick={() => download(lines, basename)}
          >
            Download
          </button>
        </div>
      </div>
      <div className="log-viewer__status">
        <span>
          {lines.length.toLocaleString()} {lines.length === 1 ? 'line' : 'lines'}
          {buffer.droppedCount > 0 && ` (the oldest ${buffer.droppedCount.toLocaleString()} dropped)`}
          {waiting > 0 && ` · ${waiting.toLocaleString()} new while paused`}
        </span>
        {status}
      </div>
      <div
        ref={scrollRef}
        className="log-viewer__scroll"
        role="region"
        aria-label={label}
        tabIndex={0}
        onScroll={onScroll}
      >
        {rowCount === 0 ? (
          <p className="log-viewer__empty">{matches ? 'No line matches.' : (emptyText ?? 'No lines yet.')}</p>
        ) : (
          <div className="log-viewer__rows" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((row) => {
              const entry = lines[matches ? matches[row.index] : row.index];
              if (!entry) {
                return null;
              }
              const tone = toneOf(entry);
              return (
                <div
                  key={row.key}
                  className={`log-viewer__row${tone ? ` log-viewer__row--${tone}` : ''}${entry.stream === 'STDERR' ? ' log-viewer__row--stderr' : ''}`}
                  style={{ transform: `translateY(${row.start}px)` }}
                  data-timestamp={entry.timestamp}
                >
                  <time className="log-viewer__time" dateTime={entry.timestamp} title={entry.timestamp}>
                    {clock(entry.timestamp)}
                  </time>
                  <span className="log-viewer__text">
                    {search ? <Highlighted text={entry.line} search={search} /> : entry.line}
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
      {!follow && rowCount > 0 && (
        <button
          type="button"
          className="button button--small log-viewer__jump"
          onClick={() => {
            setPaused(null);
            setFollow(true);
          }}
        >
          Jump to latest ↓
        </button>
      )}
    </div>
  );
}

/**
 * The indices of lines containing a search (lower-cased), kept between renders so that new lines
 * are searched once each rather than the whole log every frame.
 */
class MatchIndex {
  private search = '';
  private scanned = 0;
  private dropped = 0;
  private indices: number[] = [];

  update(lines: readonly LogEntry[], count: number, search: string, dropped: number): number[] {
    if (search !== this.search || dropped !== this.dropped || this.scanned > count) {
      this.search = search;
      this.dropped = dropped;
      this.scanned = 0;
      this.indices = [];
    }
    const found = this.indices.slice();
    for (let index = this.scanned; index < count; index += 1) {
      if (lines[index].line.toLowerCase().includes(search)) {
        found.push(index);
      }
    }
    this.scanned = count;
    this.indices = found;
    return found;
  }
}

/** The indices of lines containing `search`, extended as lines arrive; null without a search. */
function useMatches(
  lines: readonly LogEntry[],
  count: number,
  search: string,
  version: number,
  dropped: number,
): number[] | null {
  const [index] = useState(() => new MatchIndex());
  return useMemo(
    () => (search ? index.update(lines, count, search, dropped) : null),
    // `version` stands for the buffer's content, which changes in place
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [index, lines, count, search, version, dropped],
  );
}

function Highlighted({ text, search }: { text: string; search: string }) {
  const parts: ReactNode[] = [];
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(search); at !== -1; at = lower.indexOf(search, from)) {
    if (at > from) {
      parts.push(text.slice(from, at));
    }
    parts.push(<mark key={at}>{text.slice(at, at + search.length)}</mark>);
    from = at + search.length;
  }
  parts.push(text.slice(from));
  return <>{parts}</>;
}

const ERROR_WORDS = /\b(error|critical|fatal|exception|panic)\b/i;
const WARN_WORDS = /\bwarn(ing)?\b/i;

function toneOf(entry: LogEntry): Tone {
  if (entry.level) {
    const level = entry.level.toUpperCase();
    return level === 'ERROR' || level === 'FATAL' ? 'error' : level === 'WARN' ? 'warn' : undefined;
  }
  return ERROR_WORDS.test(entry.line) ? 'error' : WARN_WORDS.test(entry.line) ? 'warn' : undefined;
}

/** `07:17:41.123`, in the browser's time zone. */
function clock(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) {
    return timestamp;
  }
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** `<basename>_<YYYYMMDD-HHMMSS UTC>.log`, as the original's log viewer named its exports. */
export function downloadName(basename: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${basename}_${stamp}.log`;
}

function download(lines: readonly LogEntry[], basename: string): void {
  const text = lines.map((entry) => `${entry.timestamp} ${entry.line}`).join('\n') + '\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = downloadName(basename);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function useDebounced<T>(value: T, delay: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return debounced;
}
