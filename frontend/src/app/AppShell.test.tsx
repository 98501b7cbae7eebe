import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, callsTo, jsonResponse, renderApp, stubFetch } from '../test/utils';

const signedIn = () => jsonResponse(200, TEST_SESSION);
const signedOut = () => jsonResponse(401, { message: 'Not signed in.' });

const EXPECTED_NAV = [
  ['Library', '/library'],
  ['People', '/people'],
  ['Invitations', '/invitations'],
  ['Dispatch', '/dispatch'],
  ['Reportage', '/reportage'],
  ['LRS', '/lrs'],
  ['Apps', '/apps'],
  ['Account', '/account'],
  ['Settings', '/settings'],
];

describe('App shell', () => {
  it('renders the header and the nine nav links in order, highlighting the current one', async () => {
    stubFetch({ 'GET /api/session': signedIn });
    renderApp('/library');

    expect(await screen.findByRole('heading', { level: 1, name: 'Library' })).toBeInTheDocument();
    expect(screen.getByText('Nimbus')).toBeInTheDocument();
    expect(screen.getByText('Acme Training')).toBeInTheDocument();
    expect(screen.getByText('ada@example.com')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();

    const nav = screen.getByRole('navigation', { name: 'Main' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((link) => [link.textContent, link.getAttribute('href')])).toEqual(
      EXPECTED_NAV,
    );

    const current = links.filter((link) => link.getAttribute('aria-current') === 'page');
    expect(current).toHaveLength(1);
    expect(current[0]).toHaveTextContent('Library');
  });

  it('moves the highlight and loads the section when a nav link is clicked', async () => {
    stubFetch({ 'GET /api/session': signedIn });
    const { user, router } = renderApp('/library');
    await screen.findByRole('heading', { level: 1, name: 'Library' });

    const nav = screen.getByRole('navigation', { name: 'Main' });
    await user.click(within(nav).getByRole('link', { name: 'LRS' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'LRS' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/lrs');
    expect(within(nav).getByRole('link', { name: 'LRS' })).toHaveAttribute('aria-current', 'page');
    expect(within(nav).getByRole('link', { name: 'Library' })).not.toHaveAttribute('aria-current');
  });

  it('renders every section with its own h1', async () => {
    stubFetch({ 'GET /api/session': signedIn });
    const { router } = renderApp('/library');
    await screen.findByRole('heading', { level: 1, name: 'Library' });

    for (const [label, path] of EXPECTED_NAV) {
      await act(() => router.navigate(path!));
      expect(await screen.findByRole('heading', { level: 1, name: label })).toBeInTheDocument();
    }
  });

  it('redirects / to /library', async () => {
    stubFetch({ 'GET /api/session': signedIn });
    const { router } = renderApp('/');

    expect(await screen.findByRole('heading', { level: 1, name: 'Library' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/library');
  });

  it('shows a not-found page with a link back to Library for unknown paths', async () => {
    stubFetch({ 'GET /api/session': signedIn });
    const { user, router } = renderApp('/no/such/page');

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Page not found' }),
    ).toBeInTheDocument();
    const back = screen.getByRole('link', { name: 'Back to Library' });
    expect(back).toHaveAttribute('href', '/library');

    await user.click(back);
    expect(await screen.findByRole('heading', { level: 1, name: 'Library' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/library');
  });

  it('redirects an unauthenticated visit to /reportage to sign-in, then returns there', async () => {
    stubFetch({
      'GET /api/session': signedOut,
      'POST /api/session': signedIn,
    });
    const { user, router } = renderApp('/reportage');

    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/signin');
    expect(screen.queryByRole('heading', { name: 'Reportage' })).not.toBeInTheDocument();

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Reportage' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/reportage');
  });

  it('signs out with DELETE /api/session carrying the CSRF token, then shows sign-in', async () => {
    const fetchMock = stubFetch({
      'GET /api/session': signedIn,
      'DELETE /api/session': () => jsonResponse(204),
    });
    const { user, router } = renderApp('/people');
    await screen.findByRole('heading', { level: 1, name: 'People' });

    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.pathname).toBe('/signin'));

    const deletes = callsTo(fetchMock, 'DELETE /api/session');
    expect(deletes).toHaveLength(1);
    const init = deletes[0]![1]!;
    expect(new Headers(init.headers).get('X-CSRF-Token')).toBe(TEST_SESSION.csrfToken);
    expect(init.credentials).toBe('same-origin');
    expect(screen.queryByText('ada@example.com')).not.toBeInTheDocument();
  });

  it('shows the error and a retry button when the session check fails unexpectedly', async () => {
    let calls = 0;
    stubFetch({
      'GET /api/session': () =>
        ++calls === 1 ? jsonResponse(500, { message: 'Database unavailable.' }) : signedIn(),
    });
    const { user } = renderApp('/library');

    expect(await screen.findByRole('alert')).toHaveTextContent('Database unavailable.');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Library' })).toBeInTheDocument();
  });
});
