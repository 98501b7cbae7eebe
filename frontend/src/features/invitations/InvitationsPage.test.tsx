import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, callsTo, jsonResponse, renderApp, stubFetch } from '../../test/utils';

const PUBLIC = {
  id: 'inv1',
  kind: 'public',
  courseId: 'golf',
  courseTitle: 'Golf <Explained>',
  allowLaunch: true,
  allowNewRegistrations: true,
  url: 'http://127.0.0.1:8000/invite/R1.inv1',
  createDate: '2026-01-02T03:04:05.000Z',
  updated: '2026-01-02T03:04:05.000Z',
  registrationCap: 2,
  registrationCount: 2,
  tags: [],
};
const PRIVATE = {
  ...PUBLIC,
  id: 'inv2',
  kind: 'private',
  url: null,
  registrationCap: undefined,
  registrationCount: 3,
  launchedRegistrationCount: 1,
  allowLaunch: false,
  invitationEmail: { subject: 'Golf', body: '', addresses: ['a@example.com'] },
};
const PEOPLE = [
  {
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    url: 'http://127.0.0.1:8000/invite/R1.inv2/u/1.secret',
    isStarted: true,
    updated: '2026-01-02T03:04:05.000Z',
    registrationId: 'reg-ada',
    registrationReport: { complete: 'COMPLETED', success: 'PASSED', totalSecondsTracked: 60, score: { scaled: 90 } },
  },
];

function sentBody(fetchMock: ReturnType<typeof stubFetch>, key: string): unknown {
  const [call] = callsTo(fetchMock, key);
  return JSON.parse(String(call?.[1]?.body));
}

describe('Invitations', { timeout: 20_000 }, () => {
  it('lists invitations with their state and filters them by kind', async () => {
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/invitations?kind=all': () => jsonResponse(200, { invitations: [PUBLIC, PRIVATE], more: null, total: 2 }),
      'GET /api/app/invitations?kind=private': () => jsonResponse(200, { invitations: [PRIVATE], more: null, total: 1 }),
    });
    const { user } = renderApp('/invitations');
    const table = await screen.findByRole('table', { name: 'Invitations' }, { timeout: 5000 });
    expect(within(table).getAllByText('Golf <Explained>')).toHaveLength(2);
    expect(within(table).getByText('Full')).toBeInTheDocument();
    expect(within(table).getByText('Disabled')).toBeInTheDocument();
    expect(within(table).getByText('2 / 2')).toBeInTheDocument();
    expect(within(table).getByRole('link', { name: 'Reportage of invitation inv2' })).toHaveAttribute(
      'href',
      '/reportage?report=invitation&key=inv2',
    );
    await user.click(screen.getByRole('radio', { name: 'Private' }));
    await waitFor(() => expect(callsTo(fetchMock, 'GET /api/app/invitations?kind=private')).toHaveLength(1), { timeout: 5000 });
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Invitations' })).queryByText('inv1')).toBeNull());
  });

  it('shows a private invitation with its people and results, enables it and resends one email', async () => {
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/invitations/inv2': () =>
        jsonResponse(200, {
          ...PRIVATE,
          people: PEOPLE,
          jobStatus: { status: 'COMPLETE', errors: ['bad-address: not a valid email address'], total: 2, processed: 2 },
        }),
      'PUT /api/app/invitations/inv2': () => jsonResponse(200, { ...PRIVATE, allowLaunch: true }),
      'POST /api/app/invitations/inv2/resend': () =>
        jsonResponse(200, { status: 'STARTED', errors: [], total: 1, processed: 0 }),
    });
    const { user } = renderApp('/invitations/inv2');
    const people = await screen.findByRole('table', { name: 'People' }, { timeout: 5000 });
    expect(within(people).getByText('Ada Lovelace')).toBeInTheDocument();
    expect(within(people).getByText('COMPLETED')).toBeInTheDocument();
    expect(within(people).getByText('90%')).toBeInTheDocument();
    expect(within(people).getByRole('link', { name: 'reg-ada' })).toHaveAttribute('href', '/registrations/reg-ada');
    expect(screen.getByRole('link', { name: 'Invitation report' })).toHaveAttribute('href', '/reportage?report=invitation&key=inv2');
    expect(screen.getByRole('list', { name: 'Email problems' })).toHaveTextContent('bad-address');
    await user.click(screen.getByRole('switch', { name: 'Enabled (learners may launch)' }));
    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/app/invitations/inv2')).toHaveLength(1), { timeout: 5000 });
    expect(sentBody(fetchMock, 'PUT /api/app/invitations/inv2')).toEqual({
      allowLaunch: true,
    });
    await user.click(within(people).getByRole('button', { name: 'Resend to ada@example.com' }));
    await waitFor(() => expect(callsTo(fetchMock, 'POST /api/app/invitations/inv2/resend')).toHaveLength(1), { timeout: 5000 });
    expect(sentBody(fetchMock, 'POST /api/app/invitations/inv2/resend')).toEqual({
      people: [1],
    });
  });

  it('shows a public invitation URL to copy and saves a new cap', async () => {
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/invitations/inv1': () => jsonResponse(200, { ...PUBLIC, people: [], jobStatus: null }),
      'PUT /api/app/invitations/inv1': () => jsonResponse(200, { ...PUBLIC, registrationCap: 5 }),
    });
    const { user } = renderApp('/invitations/inv1');
    expect(await screen.findByLabelText('Invitation URL', {}, { timeout: 5000 })).toHaveTextContent('http://127.0.0.1:8000/invite/R1.inv1');
    expect(screen.getByRole('button', { name: 'Copy URL' })).toBeInTheDocument();
    const cap = screen.getByLabelText('Registration cap (0: none)');
    await user.clear(cap);
    await user.type(cap, '5');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/app/invitations/inv1')).toHaveLength(1), { timeout: 5000 });
    expect(sentBody(fetchMock, 'PUT /api/app/invitations/inv1')).toEqual({
      expirationDate: null,
      registrationCap: 5,
    });
  });

  it("creates a private invitation from the course page's Share menu", async () => {
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/courses/golf': () =>
        jsonResponse(200, {
          id: 'golf',
          title: 'Golf <Explained>',
          created: '2026-01-02T03:04:05.000Z',
          updated: '2026-01-02T03:04:05.000Z',
          version: 0,
          registrationCount: 0,
          courseLearningStandard: 'SCORM12',
          tags: [],
          versions: [],
          previewLink: 'http://x/launch/preview/golf/latest',
        }),
      'GET /api/app/invitations?courseId=golf': () => jsonResponse(200, { invitations: [PUBLIC], more: null, total: 1 }),
      'POST /api/app/invitations/private': () =>
        jsonResponse(200, { id: 'inv2', jobStatus: { status: 'STARTED', errors: [], total: 2, processed: 0 } }),
      'GET /api/app/invitations/inv2': () => jsonResponse(200, { ...PRIVATE, people: PEOPLE, jobStatus: null }),
    });
    const { user } = renderApp('/library/golf');
    const listed = await screen.findByRole('table', { name: 'Invitations' }, { timeout: 5000 });
    expect(within(listed).getByRole('link', { name: 'inv1' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Share' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Private invitation…' }, { timeout: 5000 }));
    await user.click(await screen.findByLabelText(/Learners/, {}, { timeout: 5000 }));
    await user.paste('Ada Lovelace <ada@example.com>\ngrace@example.com');
    await user.type(screen.getByLabelText('Subject'), 'Golf time');
    await user.click(screen.getByRole('button', { name: 'Invite and send emails' }));
    await waitFor(() => expect(callsTo(fetchMock, 'POST /api/app/invitations/private')).toHaveLength(1), { timeout: 5000 });
    expect(sentBody(fetchMock, 'POST /api/app/invitations/private')).toEqual({
      courseId: 'golf',
      invitationEmail: { subject: 'Golf time', body: '', addresses: ['Ada Lovelace <ada@example.com>', 'grace@example.com'] },
    });
    expect(await screen.findByRole('table', { name: 'People' })).toHaveTextContent('Ada Lovelace');
  });

  it('lists the local outbox with each message and its links', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/outbox': () =>
        jsonResponse(200, {
          enabled: true,
          messages: [
            {
              invitationId: 'inv2',
              number: 1,
              to: 'Ada Lovelace <ada@example.com>',
              from: 'Nimbus <no-reply@nimbus.local>',
              subject: 'Golf time',
              date: 'Sun, 06 Dec 2026 09:00:00 +0000',
              text: 'Hello',
              links: ['http://127.0.0.1:8000/invite/R1.inv2/u/1.secret'],
            },
          ],
        }),
    });
    renderApp('/invitations/outbox');
    const table = await screen.findByRole('table', { name: 'Outbox' }, { timeout: 5000 });
    expect(within(table).getByText('Ada Lovelace <ada@example.com>')).toBeInTheDocument();
    expect(within(table).getByText('1.eml')).toBeInTheDocument();
    expect(within(table).getByRole('link', { name: 'http://127.0.0.1:8000/invite/R1.inv2/u/1.secret' })).toHaveAttribute(
      'href',
      'http://127.0.0.1:8000/invite/R1.inv2/u/1.secret',
    );
  });
});
