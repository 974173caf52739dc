import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogBuffer, type LogEntry } from './log-buffer';
import { downloadName, LogViewer } from './log-viewer';

const scrollHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollHeight');
const scrollTo = Element.prototype.scrollTo;

afterEach(() => {
  if (scrollHeight) {
    Object.defineProperty(Element.prototype, 'scrollHeight', scrollHeight);
  }
  Element.prototype.scrollTo = scrollTo;
});

function line(index: number, text = `line ${index}`): LogEntry {
  return {
    timestamp: new Date(Date.UTC(2026, 10, 25, 7, 0, 0, index)).toISOString(),
    line: text,
    stream: 'STDOUT',
  };
}

function fill(buffer: LogBuffer, count: number) {
  act(() => {
    for (let index = 0; index < count; index += 1) {
      buffer.push(line(index));
    }
  });
}

function rows(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll('.log-viewer__row'));
}

describe('LogViewer', () => {
  it('keeps only the rows in view in the DOM, even for 100 000 lines, and follows the newest', async () => {
    // jsdom scrolls nothing itself: record where the viewer asks to scroll to
    const scrolledTo: number[] = [];
    Element.prototype.scrollTo = function (options?: ScrollToOptions | number) {
      scrolledTo.push(typeof options === 'object' ? (options.top ?? 0) : Number(options));
    } as typeof Element.prototype.scrollTo;
    // ...and as high as its rows say
    Object.defineProperty(Element.prototype, 'scrollHeight', {
      configurable: true,
      get() {
        return (
          parseFloat(
            (this as Element).querySelector<HTMLElement>('.log-viewer__rows')?.style.height ?? '0',
          ) || 0
        );
      },
    });
    const buffer = new LogBuffer();
    const { container } = render(<LogViewer buffer={buffer} label="Log of hello" basename="hello_v1" live />);

    fill(buffer, 100_000);

    await waitFor(() => expect(screen.getByText('100,000 lines')).toBeTruthy());
    const shown = rows(container);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(100);
    expect(container.querySelector<HTMLElement>('.log-viewer__rows')?.style.height).toBe(`${100_000 * 20}px`);
    // following: the viewer goes to the last line
    await waitFor(() => expect(Math.max(...scrolledTo)).toBe(100_000 * 20 - 400));
  });

  it('searches every line, says how many match, and highlights them', async () => {
    const buffer = new LogBuffer();
    const { container } = render(<LogViewer buffer={buffer} label="Log" basename="x" live />);
    act(() => {
      buffer.push(line(1, 'GET /predict 200'));
      buffer.push(line(2, 'GET /health 200'));
      buffer.push(line(3, 'POST /predict 500 ERROR'));
    });

    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: 'PREDICT' } });

    expect(await screen.findByText('2 matches')).toBeTruthy();
    await waitFor(() => expect(rows(container)).toHaveLength(2));
    expect(container.querySelectorAll('mark')).toHaveLength(2);
    expect(rows(container)[1].className).toContain('log-viewer__row--error');

    // lines that arrive while searching are searched too
    act(() => buffer.push(line(4, 'GET /predict 200 again')));
    expect(await screen.findByText('3 matches')).toBeTruthy();
  });

  it('holds the view while paused and counts what arrives meanwhile', async () => {
    const buffer = new LogBuffer();
    render(<LogViewer buffer={buffer} label="Log" basename="x" live />);
    fill(buffer, 10);
    await screen.findByText('10 lines');

    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    act(() => {
      buffer.push(line(10));
      buffer.push(line(11));
    });

    expect(await screen.findByText(/2 new while paused/)).toBeTruthy();
    expect(screen.getByText('Paused')).toBeTruthy();
    expect(screen.queryByText('line 11')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    expect(await screen.findByText('line 11')).toBeTruthy();
  });

  it('downloads every line as <basename>_<UTC time>.log', async () => {
    const buffer = new LogBuffer();
    const created: Blob[] = [];
    vi.stubGlobal(
      'URL',
      Object.assign(URL, {
        createObjectURL: (blob: Blob) => (created.push(blob), 'blob:x'),
        revokeObjectURL: () => {},
      }),
    );
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    render(<LogViewer buffer={buffer} label="Log" basename="hello_v1.0.0" live={false} />);
    fill(buffer, 3);
    await screen.findByText('3 lines');

    fireEvent.click(screen.getByRole('button', { name: 'Download' }));

    expect(click).toHaveBeenCalledOnce();
    expect(created[0].size).toBeGreaterThan(0);
    expect(downloadName('hello_v1.0.0', new Date('2026-11-25T07:17:41Z'))).toBe(
      'hello_v1.0.0_20261125-071741.log',
    );
    expect(screen.getByText('Ended')).toBeTruthy();
  });
});

describe('LogBuffer', () => {
  it('skips the lines a resumed stream sends again, then takes new ones', async () => {
    const buffer = new LogBuffer();
    buffer.push(line(1));
    buffer.push(line(2));

    buffer.resume();
    buffer.push(line(1));
    buffer.push(line(2));
    buffer.push(line(3));
    buffer.push(line(3, 'line 3')); // a real repeat after the resume is kept

    expect(buffer.lines.map((entry) => entry.line)).toEqual(['line 1', 'line 2', 'line 3', 'line 3']);
  });

  it('takes a batch in order, skipping within it what a resumed stream sends again', () => {
    const buffer = new LogBuffer();
    buffer.pushAll([line(1), line(2)]);

    buffer.resume();
    buffer.pushAll([line(1), line(2), line(3), line(4)]);

    expect(buffer.lines.map((entry) => entry.line)).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
    // a batch of lines seen already changes nothing
    buffer.resume();
    buffer.pushAll([line(3), line(4)]);
    expect(buffer.lines).toHaveLength(4);
  });

  it('drops the oldest lines beyond its limit', () => {
    const buffer = new LogBuffer(100);
    for (let index = 0; index < 150; index += 1) {
      buffer.push(line(index));
    }
    expect(buffer.lines.length).toBeLessThanOrEqual(100);
    expect(buffer.lines.at(-1)?.line).toBe('line 149');
    expect(buffer.droppedCount).toBe(150 - buffer.lines.length);
  });
});
