import { configure, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, jsonResponse, renderApp, stubFetch } from '../../test/utils';

configure({ asyncUtilTimeout: 10_000 });

const TOTALS = {
  registrations: 3,
  completions: 1,
  passes: 1,
  failures: 0,
  passRate: 1,
  averageScore: 85,
  scored: 1,
  secondsTracked: 120,
  scoreDistribution: Array.from({ length: 10 }, (_, n) => ({ from: n * 10, to: n * 10 + 9, count: n === 8 ? 1 : 0 })),
};
const SERIES = [
  { day: '2026-01-01', registrations: 2, completions: 0, passes: 0, failures: 0, seconds: 0 },
  { day: '2026-01-02', registrations: 1, completions: 1, passes: 1, failures: 0, seconds: 120 },
];

describe('Reportage', () => {
  it('shows the overview with charts and a table, then drills down to a course over another range', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/reportage/overview?table=course': () =>
        jsonResponse(200, {
          dimension: 'all', key: '-', from: '2026-01-01', to: '2026-01-02', totals: TOTALS, series: SERIES,
          table: [{ key: 'golf', label: 'Golf <Explained>', ...TOTALS }],
          tableMore: 250,
        }),
      'GET /api/app/reportage/course?key=golf': () =>
        jsonResponse(200, { dimension: 'course', key: 'golf', from: '2026-01-01', to: '2026-01-02', totals: TOTALS, series: SERIES }),
      'GET /api/app/reportage/course?key=golf&from=2025-06-01': () =>
        jsonResponse(200, {
          dimension: 'course', key: 'golf', from: '2025-06-01', to: '2026-01-02',
          totals: { ...TOTALS, registrations: 7 }, series: SERIES,
        }),
    });
    const { user } = renderApp('/reportage');
    const table = await screen.findByRole('table', { name: 'Report table' });
    expect(screen.getByRole('img', { name: 'Registrations and completions per day' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Score distribution' })).toBeInTheDocument();
    expect(screen.getByText('250 more not shown: the table lists those with the most registrations.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', '/api/app/reportage/overview?table=course&format=csv');
    await user.click(within(table).getByRole('button', { name: 'Golf <Explained>' }));
    expect(await screen.findByRole('link', { name: "This course's registrations →" })).toHaveAttribute('href', '/registrations?courseId=golf');
    const from = screen.getByLabelText('From');
    await user.type(from, '2025-06-01');
    expect(await screen.findByText('7')).toBeInTheDocument();
  });
});
