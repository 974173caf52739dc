import { useState, useSyncExternalStore } from 'react';

/** One line of a log as the viewer shows it. */
export interface LogEntry {
  /** ISO-8601, as the manager sends `DateTime`. */
  timestamp: string;
  line: string;
  stream?: 'STDOUT' | 'STDERR' | null;
  /** A manager line's level (`INFO`, `WARN`, `ERROR`...). */
  level?: string | null;
}

/** How many lines a buffer keeps before it drops the oldest. */
export const DEFAULT_MAX_LINES = 200_000;

const schedule: (callback: () => void) => void =
  typeof window !== 'undefined' && typeof window.requestAnimationFrame === 'function'
    ? (callback) => {
        // a hidden tab gets no animation frames: fall back to a timer so lines still land
        if (document.visibilityState === 'hidden') {
          window.setTimeout(callback, 100);
        } else {
          window.requestAnimationFrame(callback);
        }
      }
    : (callback) => setTimeout(callback, 16);

/**
 * An append-only store of log lines outside React. Lines arrive in batches (one WebSocket message
 * holds up to a few hundred), often thousands a second; the buffer takes them without rendering and
 * tells its viewers at most once an animation frame, so a new line is on screen by the next frame
 * and a flood costs one render a frame.
 */
export class LogBuffer {
  private entries: LogEntry[] = [];
  private dropped = 0;
  private revision = 0;
  private pending = false;
  private lastMs = Number.NEGATIVE_INFINITY;
  private lastAtMs: string[] = [];
  private resuming = false;
  private readonly listeners = new Set<() => void>();
  readonly max: number;

  constructor(max = DEFAULT_MAX_LINES) {
    this.max = max;
  }

  get lines(): readonly LogEntry[] {
    return this.entries;
  }

  /** How many old lines were dropped to stay within `max`. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** Changes whenever the lines do. */
  get version(): number {
    return this.revision;
  }

  push(entry: LogEntry): void {
    if (this.add(entry)) {
      this.changed();
    }
  }

  /** Adds the lines of one message of a batched stream, in order. */
  pushAll(entries: readonly LogEntry[]): void {
    let added = false;
    for (const entry of entries) {
      added = this.add(entry) || added;
    }
    if (added) {
      this.changed();
    }
  }

  private add(entry: LogEntry): boolean {
    const ms = Date.parse(entry.timestamp);
    if (this.resuming) {
      if (ms < this.lastMs || (ms === this.lastMs && this.lastAtMs.includes(entry.line))) {
        return false;
      }
      this.resuming = ms === this.lastMs;
    }
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.lastAtMs = [entry.line];
    } else if (ms === this.lastMs) {
      this.lastAtMs.push(entry.line);
    }
    this.entries.push(entry);
    if (this.entries.length > this.max) {
      const excess = this.entries.length - this.max;
      // drop in chunks, not one line at a time
      const cut = Math.max(excess, Math.floor(this.max / 10));
      this.entries = this.entries.slice(cut);
      this.dropped += cut;
    }
    return true;
  }

  /**
   * Says that the stream resumes after a dropped connection and sends its recent lines again: until
   * a line newer than the newest held arrives, lines older than that one, or equal to it in time and
   * text, were seen already and are skipped.
   */
  resume(): void {
    this.resuming = this.entries.length > 0;
  }

  clear(): void {
    this.entries = [];
    this.dropped = 0;
    this.lastMs = Number.NEGATIVE_INFINITY;
    this.lastAtMs = [];
    this.resuming = false;
    this.changed();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.revision;

  private changed(): void {
    if (this.pending) {
      return;
    }
    this.pending = true;
    schedule(() => {
      this.pending = false;
      this.revision += 1;
      for (const listener of this.listeners) {
        listener();
      }
    });
  }
}

/** A buffer that lives as long as the component. */
export function useLogBuffer(max = DEFAULT_MAX_LINES): LogBuffer {
  const [buffer] = useState(() => new LogBuffer(max));
  return buffer;
}

/** Re-renders (at most once a frame) when the buffer's lines change; returns its version. */
export function useLogBufferVersion(buffer: LogBuffer): number {
  return useSyncExternalStore(buffer.subscribe, buffer.getVersion);
}
