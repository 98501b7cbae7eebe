import { act, configure, screen, waitFor, within } from '@testing-library/react';
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
      'GET /api/app/reportage/course/golf/questions': () =>
        jsonResponse(200, { courseId: 'golf', from: '2026-01-01', to: '2026-01-02', questions: [] }),
      'GET /api/app/reportage/course/golf/questions?from=2025-06-01': () =>
        jsonResponse(200, { courseId: 'golf', from: '2025-06-01', to: '2026-01-02', questions: [] }),
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
    expect(screen.getByRole('img', { name: 'Pass rate' })).toBeInTheDocument();
    // drawn by @mantine/charts (recharts SVG), with the numbers as a table for screen readers
    const overTime = screen.getByRole('img', { name: 'Registrations and completions per day' });
    await waitFor(() => expect(overTime.querySelector('svg.recharts-surface')).not.toBeNull());
    const numbers = screen.getByRole('table', { name: 'Registrations and completions per day (numbers)' });
    expect(within(numbers).getByRole('row', { name: '2026-01-02 1 1' })).toBeInTheDocument();
    const scores = screen.getByRole('table', { name: 'Score distribution (numbers)' });
    expect(within(scores).getByRole('row', { name: '80–89 1' })).toBeInTheDocument();
    expect(within(screen.getByRole('table', { name: 'Pass rate (numbers)' })).getByRole('row', { name: 'Pass rate 100%' })).toBeInTheDocument();
    expect(screen.getByText('250 more not shown: the table lists those with the most registrations.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', '/api/app/reportage/overview?table=course&format=csv');
    await user.click(within(table).getByRole('button', { name: 'Golf <Explained>' }));
    expect(await screen.findByRole('link', { name: "This course's registrations →" })).toHaveAttribute('href', '/registrations?courseId=golf');
    const from = screen.getByLabelText('From');
    await user.type(from, '2025-06-01');
    expect(await screen.findByText('7')).toBeInTheDocument();
  });

  it('opens the report its address names, keeps the report shown in the address and goes back', async () => {
    const overview = {
      dimension: 'all', key: '-', from: '2026-01-01', to: '2026-01-02', totals: TOTALS, series: SERIES,
      table: [{ key: 'l@x.test', label: 'Lee', ...TOTALS }],
    };
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/reportage/course?key=golf+club&from=2025-06-01&to=2025-12-31': () =>
        jsonResponse(200, { dimension: 'course', key: 'golf club', from: '2025-06-01', to: '2025-12-31', totals: { ...TOTALS, registrations: 9 }, series: SERIES }),
      'GET /api/app/reportage/course/golf%20club/questions?from=2025-06-01&to=2025-12-31': () =>
        jsonResponse(200, { courseId: 'golf club', from: '2025-06-01', to: '2025-12-31', questions: [] }),
      'GET /api/app/reportage/overview?table=learner': () => jsonResponse(200, overview),
      'GET /api/app/reportage/learner?key=l%40x.test': () =>
        jsonResponse(200, { dimension: 'learner', key: 'l@x.test', from: '2026-01-01', to: '2026-01-02', totals: { ...TOTALS, registrations: 5 }, series: SERIES }),
    });
    const { user, router } = renderApp('/reportage?report=course&key=golf+club&from=2025-06-01&to=2025-12-31');
    const totals = await screen.findByLabelText('Totals');
    expect(within(totals).getByText('9')).toBeInTheDocument();
    expect(screen.getByLabelText('Report')).toHaveValue('course');
    expect(screen.getByLabelText('Course id')).toHaveValue('golf club');
    expect(screen.getByLabelText('From')).toHaveValue('2025-06-01');
    expect(await screen.findByText('No answered questions in this date range.')).toBeInTheDocument();

    await act(() => router.navigate('/reportage?report=overview&table=learner')); // another link to the page
    const table = await screen.findByRole('table', { name: 'Report table' });
    expect(screen.getByLabelText('Table')).toHaveValue('learner');
    await user.click(within(table).getByRole('button', { name: 'Lee' }));
    await waitFor(() => expect(router.state.location.search).toBe('?report=learner&key=l%40x.test'));
    expect(within(await screen.findByLabelText('Totals')).getByText('5')).toBeInTheDocument();
    expect(screen.getByLabelText('Learner id')).toHaveValue('l@x.test');

    await act(() => router.navigate(-1)); // the back button: the overview again
    expect(await screen.findByRole('table', { name: 'Report table' })).toBeInTheDocument();
    expect(router.state.location.search).toBe('?report=overview&table=learner');
    expect(screen.getByLabelText('Report')).toHaveValue('overview');
  });

  it('draws launches over time when the report counts them', async () => {
    const withLaunches = SERIES.map((d, n) => ({ ...d, launches: n + 3 }));
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/reportage/overview?table=course': () =>
        jsonResponse(200, {
          dimension: 'all', key: '-', from: '2026-01-01', to: '2026-01-02', totals: { ...TOTALS, launches: 7 },
          series: withLaunches, table: [],
        }),
    });
    renderApp('/reportage');
    const numbers = await screen.findByRole('table', { name: 'Registrations, launches and completions per day (numbers)' });
    expect(within(numbers).getByRole('row', { name: '2026-01-01 2 3 0' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Registrations, launches and completions per day' })).toBeInTheDocument();
    expect(screen.getByText('launches')).toBeInTheDocument();
  });
});
