import { configure, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, callsTo, jsonResponse, renderApp, stubFetch } from '../../test/utils';

configure({ asyncUtilTimeout: 10_000 });

const PIPE = {
  id: 'p1',
  lastForwardedStatementDate: '2026-01-02T03:04:05.000000Z',
  moreUrl: null,
  attempts: 2,
  visibleAfter: '2026-01-02T03:05:00Z',
  source: { url: 'http://127.0.0.1:8000/lrs/APP1', userName: '', password: '' },
  target: { url: 'https://lrs.example/xapi/', userName: 'fwd', password: '' },
  paused: false,
  position: 'x',
  forwarded: 120,
  deadLetters: 1,
  lastError: 'HTTP 503: busy',
  pending: 40,
  pendingCapped: false,
  lagSeconds: 12,
  created: '2026-01-02T03:00:00Z',
};

describe('LRS › Forwarding', () => {
  it('shows each pipe with its position, lag, last error and dead letters, and pauses it', async () => {
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/lrs/statementPipes': () => jsonResponse(200, { xapiStatementPipes: [PIPE] }),
      'POST /api/app/lrs/statementPipes/p1/pause': () => jsonResponse(200, { ...PIPE, paused: true }),
      'GET /api/app/lrs/statementPipes/p1/deadLetters': () =>
        jsonResponse(200, {
          deadLetters: [{ statementId: 's-bad', position: 'k', status: 400, error: 'HTTP 400: bad verb', at: '2026-01-02T03:04:00Z' }],
        }),
    });
    const { user } = renderApp('/lrs/forwarding');
    const table = await screen.findByRole('table', { name: 'Statement pipes' });
    expect(within(table).getByText('https://lrs.example/xapi/')).toBeInTheDocument();
    expect(within(table).getByText('40 waiting · oldest 12 s')).toBeInTheDocument();
    expect(within(table).getByText(/HTTP 503: busy/)).toBeInTheDocument();
    expect(within(table).getByText('retrying')).toBeInTheDocument();
    await user.click(within(table).getByRole('button', { name: '1' }));
    const dead = await screen.findByRole('table', { name: 'Dead letters' });
    expect(within(dead).getByText('s-bad')).toBeInTheDocument();
    await user.click(within(table).getByRole('button', { name: 'Pause' }));
    expect(callsTo(fetchMock, 'POST /api/app/lrs/statementPipes/p1/pause')).toHaveLength(1);
  });
});
