import { configure, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, jsonResponse, renderApp, stubFetch } from '../../test/utils';

configure({ asyncUtilTimeout: 10_000 });

const TOTALS = {
  registrations: 2, completions: 1, passes: 1, failures: 0, passRate: 1, averageScore: 90, scored: 1, secondsTracked: 60,
  launches: 3, scoreDistribution: Array.from({ length: 10 }, (_, n) => ({ from: n * 10, to: n * 10 + 9, count: n === 9 ? 1 : 0 })),
};

describe('People', () => {
  it("opens a person's learner report in Reportage (their learner id: the email they sign in with)", async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/users': () =>
        jsonResponse(200, { people: [{ email: 'lee+golf@acme.test', name: 'Lee <Learner>', role: 'learner', locked: false }] }),
      'GET /api/app/reportage/learner?key=lee%2Bgolf%40acme.test': () =>
        jsonResponse(200, {
          dimension: 'learner', key: 'lee+golf@acme.test', from: '2026-01-01', to: '2026-01-02', totals: TOTALS,
          series: [{ day: '2026-01-02', registrations: 2, launches: 3, completions: 1, passes: 1, failures: 0, seconds: 60 }],
        }),
    });
    const { user, router } = renderApp('/people');
    const link = await screen.findByRole('link', { name: 'Reportage of lee+golf@acme.test' });
    expect(link).toHaveAttribute('href', '/reportage?report=learner&key=lee%2Bgolf%40acme.test');
    await user.click(link);
    expect(await screen.findByRole('heading', { level: 1, name: 'Reportage' })).toBeInTheDocument();
    expect(router.state.location.search).toBe('?report=learner&key=lee%2Bgolf%40acme.test');
    const totals = await screen.findByLabelText('Totals');
    expect(within(totals).getByText('3')).toBeInTheDocument(); // launches
    expect(screen.getByLabelText('Report')).toHaveValue('learner');
    expect(screen.getByLabelText('Learner id')).toHaveValue('lee+golf@acme.test');
  });
});
