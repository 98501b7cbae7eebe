import { configure, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, jsonResponse, renderApp, stubFetch } from '../../test/utils';

configure({ asyncUtilTimeout: 10_000 });

const PLAN = { id: 'trial', name: 'Trial', registrationLimit: 10, limitType: 'total', storageLimitBytes: 104857600, priceCents: 0, resettable: true };
const OVERVIEW = {
  realmId: 'r-1', coverageRoot: 'r-1', plan: PLAN, plans: [PLAN], registrationsCounted: 4, storageUsedBytes: 2097152,
  realms: [{ id: 'r-1', name: 'Acme Training', registrations: 4, storageBytes: 2097152 }],
  billing: { tier: 'trial', monthlyPriceCents: 0, records: [] },
};
const USAGE = {
  realmId: 'r-1',
  overall: { from: '2026-01-05', to: '2026-12-06', registrations: 40, completions: 12, learners: 25, courses: 3, storageBytes: 3145728, registrationsAllTime: 41 },
  last30Days: {
    from: '2026-11-07', to: '2026-12-06', registrations: 6, completions: 2, learners: 5, courses: 2, storageBytes: 1048576,
    days: [{ day: '2026-12-06', registrations: 6, completions: 2, storageBytes: 1048576 }],
  },
};

describe('Account usage report', () => {
  it('shows usage overall and for the last 30 days, exportable as CSV', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/account': () => jsonResponse(200, OVERVIEW),
      'GET /api/account/usage': () => jsonResponse(200, USAGE),
    });
    renderApp('/account');
    const table = await screen.findByRole('table', { name: 'Usage report' });
    expect(within(table).getByRole('columnheader', { name: 'Overall (since 2026-01-05)' })).toBeInTheDocument();
    expect(within(table).getByRole('columnheader', { name: 'Last 30 days (2026-11-07 – 2026-12-06)' })).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: 'Registrations 40 6' })).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: 'Completions 12 2' })).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: 'Learners 25 5' })).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: 'Courses 3 2' })).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: 'Storage (stored / added) 3.0 MB 1.0 MB' })).toBeInTheDocument();
    expect(within(table).queryByRole('row', { name: /^Launches/ })).toBeNull(); // not counted by this server
    expect(screen.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', '/api/account/usage.csv');
  });

  it('adds launches when the aggregates count them', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/account': () => jsonResponse(200, OVERVIEW),
      'GET /api/account/usage': () =>
        jsonResponse(200, { ...USAGE, overall: { ...USAGE.overall, launches: 90 }, last30Days: { ...USAGE.last30Days, launches: 9 } }),
    });
    renderApp('/account');
    const table = await screen.findByRole('table', { name: 'Usage report' });
    expect(within(table).getByRole('row', { name: 'Launches 90 9' })).toBeInTheDocument();
  });
});
