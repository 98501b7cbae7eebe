import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { setCsrfToken } from '../api/client';

// findBy*/waitFor wait up to 5 s (not 1 s): on a busy 2-core CI machine a page with a table
// can take longer than a second to render in jsdom.
configure({ asyncUtilTimeout: 5000 });

// jsdom lacks a few browser APIs that Mantine uses.
const { getComputedStyle } = window;
window.getComputedStyle = (element: Element) => getComputedStyle(element);
window.HTMLElement.prototype.scrollIntoView = () => {};

Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string): MediaQueryList => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

class ResizeObserverStub implements ResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
window.ResizeObserver = ResizeObserverStub;

// jsdom does no layout, so every element measures 0×0 and recharts' ResponsiveContainer (under
// @mantine/charts) would draw nothing. Give chart containers a fixed size so charts render.
const CHART_CONTAINER = 'recharts-responsive-container';
const CHART_SIZE = { clientWidth: 800, clientHeight: 240 } as const;
for (const [property, size] of Object.entries(CHART_SIZE)) {
  const original = Object.getOwnPropertyDescriptor(window.HTMLElement.prototype, property) ??
    Object.getOwnPropertyDescriptor(window.Element.prototype, property);
  Object.defineProperty(window.HTMLElement.prototype, property, {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains(CHART_CONTAINER) ? size : (original?.get?.call(this) ?? 0);
    },
  });
}

afterEach(() => {
  cleanup();
  setCsrfToken(null);
});
