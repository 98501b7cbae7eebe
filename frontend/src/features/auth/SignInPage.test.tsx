import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, callsTo, jsonResponse, renderApp, stubFetch } from '../../test/utils';

const signedOut = () => jsonResponse(401, { message: 'Not signed in.' });

describe('SignInPage', () => {
  it('shows the product name and the labelled form', async () => {
    stubFetch({ 'GET /api/session': signedOut });
    renderApp('/signin');

    expect(screen.getByText('Nimbus')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('shows inline errors for missing email and password without calling the server', async () => {
    const fetchMock = stubFetch({ 'GET /api/session': signedOut });
    const { user } = renderApp('/signin');

    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Email is required.')).toBeInTheDocument();
    expect(screen.getByText('Password is required.')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    expect(callsTo(fetchMock, 'POST /api/session')).toHaveLength(0);

    // Filling in one field clears only that field's error.
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.queryByText('Email is required.')).not.toBeInTheDocument();
    expect(screen.getByText('Password is required.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/session')).toHaveLength(0);
  });

  it("shows the server's message when the credentials are rejected", async () => {
    stubFetch({
      'GET /api/session': signedOut,
      'POST /api/session': () => jsonResponse(401, { message: 'Email or password is incorrect.' }),
    });
    const { user, router } = renderApp('/signin');

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Email or password is incorrect.');
    expect(router.state.location.pathname).toBe('/signin');
  });

  it('shows the lock-out message on 429', async () => {
    stubFetch({
      'GET /api/session': signedOut,
      'POST /api/session': () =>
        jsonResponse(429, { message: 'Too many attempts. Try again in 15 minutes.' }),
    });
    const { user } = renderApp('/signin');

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Too many attempts. Try again in 15 minutes.',
    );
  });

  it('signs in, lands on Library and shows the signed-in email', async () => {
    const fetchMock = stubFetch({
      'GET /api/session': signedOut,
      'POST /api/session': () => jsonResponse(200, TEST_SESSION),
    });
    const { user, router } = renderApp('/signin');

    await user.type(screen.getByLabelText('Email'), '  ada@example.com ');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Library' })).toBeInTheDocument();
    expect(screen.getByText('Courses you import appear here.')).toBeInTheDocument();
    expect(screen.getByText('ada@example.com')).toBeInTheDocument();
    expect(screen.getByText('Acme Training')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/library');

    const [post] = callsTo(fetchMock, 'POST /api/session');
    expect(post).toBeDefined();
    const init = post![1]!;
    expect(init.credentials).toBe('same-origin');
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({
      email: 'ada@example.com',
      password: 'correct horse',
    });
  });

  it('sends an already signed-in visitor on to Library', async () => {
    stubFetch({ 'GET /api/session': () => jsonResponse(200, TEST_SESSION) });
    const { router } = renderApp('/signin');

    expect(await screen.findByRole('heading', { level: 1, name: 'Library' })).toBeInTheDocument();
    await waitFor(() => expect(router.state.location.pathname).toBe('/library'));
  });
});
