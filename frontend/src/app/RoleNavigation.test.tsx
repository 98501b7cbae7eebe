import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, jsonResponse, renderApp, stubFetch } from '../test/utils';

const sessionAs = (role: string) => () =>
  jsonResponse(200, { ...TEST_SESSION, user: { ...TEST_SESSION.user, role } });

const navLabels = () =>
  within(screen.getByRole('navigation', { name: 'Main' }))
    .getAllByRole('link')
    .map((link) => link.textContent);

describe('Navigation by role', () => {
  it('gives an administrator every section except Account', async () => {
    stubFetch({ 'GET /api/session': sessionAs('administrator') });
    renderApp('/library');
    await screen.findByRole('heading', { level: 1, name: 'Library' });
    expect(navLabels()).toEqual([
      'Library', 'People', 'Invitations', 'Dispatch', 'Reportage', 'LRS', 'Apps', 'Settings',
    ]);
  });

  it('sends an administrator who opens /account back home', async () => {
    stubFetch({ 'GET /api/session': sessionAs('administrator') });
    const { router } = renderApp('/account');
    await screen.findByRole('heading', { level: 1, name: 'Library' });
    expect(router.state.location.pathname).toBe('/library');
  });

  it('gives a learner only their learner page, even when they type another section', async () => {
    stubFetch({
      'GET /api/session': sessionAs('learner'),
      'GET /api/me/registrations': () => jsonResponse(200, { learnerId: 'x', registrations: [] }),
    });
    const { router } = renderApp('/library');
    expect(await screen.findByRole('heading', { level: 1, name: 'My learning' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/learn');
    expect(navLabels()).toEqual(['My learning']);
    expect(await screen.findByText('No courses are assigned to you yet.')).toBeInTheDocument();
  });

  it('shows a realm picker when the person belongs to several realms', async () => {
    stubFetch({
      'GET /api/session': () =>
        jsonResponse(200, {
          ...TEST_SESSION,
          realms: [
            { id: 'r-1', name: 'Acme Training', role: 'owner' },
            { id: 'r-2', name: 'Beta Labs', role: 'learner' },
          ],
        }),
    });
    renderApp('/library');
    await screen.findByRole('heading', { level: 1, name: 'Library' });
    expect(screen.getByDisplayValue('Acme Training (owner)')).toBeInTheDocument();
  });
});
