import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { reportReachable } from '../lib/connection';
import { resetSubscriptions } from '../lib/graphql-client';
import { stubSubscriptions } from './graphql-socket';

// jsdom has no ResizeObserver; the virtualised log and the chart only need it to exist
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}

// jsdom lays nothing out: give elements a size, so that virtualised lists render a window of rows
Object.defineProperty(Element.prototype, 'clientHeight', { configurable: true, get: () => 400 });
Object.defineProperty(Element.prototype, 'clientWidth', { configurable: true, get: () => 800 });

// nor a canvas: the chart draws on one that records nothing
HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
  return new Proxy(
    {},
    {
      get: (_target, property) =>
        property === 'canvas' ? this : property === 'measureText' ? () => ({ width: 0 }) : () => {},
      set: () => true,
    },
  );
} as unknown as typeof HTMLCanvasElement.prototype.getContext;

class NoPath2D {
  moveTo() {}
  lineTo() {}
  rect() {}
  arc() {}
  closePath() {}
  bezierCurveTo() {}
  addPath() {}
}

beforeEach(() => {
  vi.stubGlobal('ResizeObserver', NoResizeObserver);
  vi.stubGlobal('Path2D', NoPath2D);
  // nor matchMedia, which uPlot asks about the pixel ratio
  vi.stubGlobal(
    'matchMedia',
    (query: string) =>
      ({
        matches: false,
        media: query,
        addEventListener() {},
        removeEventListener() {},
        addListener() {},
        removeListener() {},
      }) as unknown as MediaQueryList,
  );
  // every test gets a manager socket that answers; tests that push events take it from stubSubscriptions()
  stubSubscriptions();
});

afterEach(() => {
  cleanup();
  resetSubscriptions();
  reportReachable();
  window.localStorage.clear();
  window.sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});
