import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TEST_SESSION, callsTo, jsonResponse, renderApp, stubFetch } from '../../test/utils';
import { navigateTo } from './LearnerPage';

const learner = () =>
  jsonResponse(200, { ...TEST_SESSION, user: { ...TEST_SESSION.user, role: 'learner' } });

describe('Learner page', () => {
  afterEach(() => vi.restoreAllMocks());

  it('lists the learner’s registrations and launches one', async () => {
    const assign = vi.spyOn(navigateTo, 'assign').mockImplementation(() => undefined);
    const fetchMock = stubFetch({
      'GET /api/session': learner,
      'GET /api/me/registrations': () =>
        jsonResponse(200, {
          learnerId: 'ada@example.com',
          registrations: [
            { id: 'r 1', course: { id: 'golf', title: 'Golf <b>Explained</b>' },
              registrationCompletion: 'INCOMPLETE', registrationSuccess: 'UNKNOWN' },
          ],
        }),
      'POST /api/me/registrations/r%201/launch': () =>
        jsonResponse(200, { launchLink: 'http://nimbus.test/launch/abc' }),
    });
    const { user } = renderApp('/learn');
    expect(await screen.findByText('Golf <b>Explained</b>')).toBeInTheDocument();
    expect(screen.getByText('INCOMPLETE')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Launch Golf <b>Explained</b>' }));
    await vi.waitFor(() => expect(assign).toHaveBeenCalledWith('http://nimbus.test/launch/abc'));
    const calls = callsTo(fetchMock, 'POST /api/me/registrations/r%201/launch');
    expect(calls).toHaveLength(1);
    expect(new Headers(calls[0]?.[1]?.headers).get('X-CSRF-Token')).toBe(TEST_SESSION.csrfToken);
  });

  it('shows why a launch failed', async () => {
    stubFetch({
      'GET /api/session': learner,
      'GET /api/me/registrations': () =>
        jsonResponse(200, { learnerId: 'x', registrations: [{ id: 'r1', course: { id: 'c', title: 'C' } }] }),
      'POST /api/me/registrations/r1/launch': () => jsonResponse(404, { message: "No registration 'r1'." }),
    });
    const { user } = renderApp('/learn');
    await user.click(await screen.findByRole('button', { name: 'Launch C' }));
    expect(await screen.findByText("No registration 'r1'.")).toBeInTheDocument();
  });
});
