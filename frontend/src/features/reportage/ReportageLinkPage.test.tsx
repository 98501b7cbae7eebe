import { configure, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, renderApp, stubFetch } from '../../test/utils';

configure({ asyncUtilTimeout: 10_000 });

const TOTALS = {
  registrations: 4, completions: 2, passes: 1, failures: 1, passRate: 0.5, averageScore: 70, scored: 2, secondsTracked: 600,
  scoreDistribution: Array.from({ length: 10 }, (_, n) => ({ from: n * 10, to: n * 10 + 9, count: n === 7 ? 2 : 0 })),
};
const SERIES = [{ day: '2026-01-01', registrations: 4, completions: 2, passes: 1, failures: 1, seconds: 600 }];
const COURSE = { dimension: 'course', key: 'golf', from: '2026-01-01', to: '2026-01-01', totals: TOTALS, series: SERIES };
const QUESTIONS = {
  courseId: 'golf', from: '2026-01-01', to: '2026-01-01',
  questions: [{ id: 'club', activity: 'item_1', description: 'Which club?', type: 'choice', attempts: 2, correct: 1, wrong: 1,
    correctRate: 0.5, wrongAnswers: [{ response: 'driver', count: 1 }], otherWrong: 0 }],
};

describe('The page a Reportage link opens', () => {
  it('shows the linked report of the realm, with no way into the rest of the app (NONAV)', async () => {
    stubFetch({
      'GET /api/app/reportage-link/session': () =>
        jsonResponse(200, { realm: { id: 'r-1', name: 'Acme Training' }, nav: 'NONAV', report: 'course', key: 'golf' }),
      'GET /api/app/reportage-link/reports/course?key=golf': () => jsonResponse(200, COURSE),
      'GET /api/app/reportage-link/reports/course/golf/questions': () => jsonResponse(200, QUESTIONS),
    });
    renderApp('/reportage/link?report=course&key=golf');
    const totals = await screen.findByLabelText('Totals');
    expect(within(totals).getByText('4')).toBeInTheDocument();
    expect(screen.getByText('Acme Training')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Registrations and completions per day' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', '/api/app/reportage-link/reports/course?key=golf&format=csv');
    expect(screen.queryByLabelText('Report')).toBeNull(); // NONAV: this report only
    expect(screen.queryByRole('navigation', { name: 'Main' })).toBeNull(); // not the signed-in app
    expect(screen.queryByRole('link', { name: "This course's registrations →" })).toBeNull();
    // the course's question analysis, read with the link's session
    const questions = await screen.findByRole('table', { name: 'Question analysis' });
    expect(within(questions).getByRole('row', { name: /club Which club\? choice 2 50% driver × 1/ })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download question analysis CSV' })).toHaveAttribute(
      'href', '/api/app/reportage-link/reports/course/golf/questions?format=csv');
  });

  it('lets a FREENAV link choose another report', async () => {
    stubFetch({
      'GET /api/app/reportage-link/session': () =>
        jsonResponse(200, { realm: { id: 'r-1', name: 'Acme Training' }, nav: 'FREENAV', report: 'overview', key: '' }),
      'GET /api/app/reportage-link/reports/overview?table=course': () =>
        jsonResponse(200, { ...COURSE, dimension: 'all', key: '-', table: [{ key: 'golf', label: 'Golf', ...TOTALS }] }),
      'GET /api/app/reportage-link/reports/course?key=golf': () => jsonResponse(200, COURSE),
      'GET /api/app/reportage-link/reports/course/golf/questions': () => jsonResponse(200, QUESTIONS),
    });
    const { user } = renderApp('/reportage/link?report=overview');
    const table = await screen.findByRole('table', { name: 'Report table' });
    expect(screen.getByLabelText('Report')).toBeInTheDocument();
    await user.click(within(table).getByRole('button', { name: 'Golf' }));
    expect(await screen.findByRole('link', { name: 'Download CSV' })).toHaveAttribute(
      'href', '/api/app/reportage-link/reports/course?key=golf&format=csv');
  });

  it('lets a DOWNONLY overview link drill down and come back, but not choose any report', async () => {
    stubFetch({
      'GET /api/app/reportage-link/session': () =>
        jsonResponse(200, { realm: { id: 'r-1', name: 'Acme Training' }, nav: 'DOWNONLY', report: 'overview', key: '' }),
      'GET /api/app/reportage-link/reports/overview?table=course': () =>
        jsonResponse(200, { ...COURSE, dimension: 'all', key: '-', table: [{ key: 'golf', label: 'Golf', ...TOTALS }] }),
      'GET /api/app/reportage-link/reports/course?key=golf': () => jsonResponse(200, COURSE),
      'GET /api/app/reportage-link/reports/course/golf/questions': () => jsonResponse(200, QUESTIONS),
    });
    const { user } = renderApp('/reportage/link?report=overview');
    const table = await screen.findByRole('table', { name: 'Report table' });
    expect(screen.queryByLabelText('Report')).toBeNull();
    await user.click(within(table).getByRole('button', { name: 'Golf' }));
    await user.click(await screen.findByRole('button', { name: /Back to Overview/ }));
    expect(await screen.findByRole('table', { name: 'Report table' })).toBeInTheDocument();
  });

  it('says so when the session has ended', async () => {
    stubFetch({ 'GET /api/app/reportage-link/session': () => jsonResponse(401, { message: 'ended' }) });
    renderApp('/reportage/link?report=overview');
    expect(await screen.findByText('This Reportage session has ended')).toBeInTheDocument();
  });
});
