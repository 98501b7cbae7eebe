import { configure, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, jsonResponse, renderApp, stubFetch } from '../../test/utils';

configure({ asyncUtilTimeout: 10_000 });

const MONTHS = Array.from({ length: 13 }, (_, n) => ({
  month: `${n < 1 ? 2025 : 2026}-${String(((n + 11) % 12) + 1).padStart(2, '0')}`,
  registrations: n === 12 ? 5 : n === 10 ? 2 : 0,
}));

describe('App details', () => {
  it('charts the registrations the app made over the last 13 months', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/apps/app-1': () =>
        jsonResponse(200, {
          id: 'app-1', name: 'LMS bridge', created: '2025-12-01T00:00:00Z', updated: '2025-12-01T00:00:00Z', kind: 'normal',
          keys: [], registrationsByMonth: MONTHS,
        }),
    });
    renderApp('/apps/app-1');
    const chart = await screen.findByRole('img', { name: 'Registrations made with this app per month' });
    await waitFor(() => expect(chart.querySelector('svg.recharts-surface')).not.toBeNull());
    expect(chart.querySelectorAll('.recharts-bar-rectangle').length).toBeGreaterThan(0);
    const numbers = screen.getByRole('table', { name: 'Registrations made with this app per month (numbers)' });
    expect(within(numbers).getAllByRole('row')).toHaveLength(14); // header + 13 months
    expect(within(numbers).getByRole('row', { name: `${MONTHS[12]?.month} 5` })).toBeInTheDocument();
    expect(within(numbers).getByRole('row', { name: `${MONTHS[0]?.month} 0` })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'App report' })).toHaveAttribute('href', '/reportage?report=app&key=app-1');
  });
});
