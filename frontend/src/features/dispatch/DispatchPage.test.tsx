import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, callsTo, jsonResponse, renderApp, stubFetch } from '../../test/utils';

const DESTINATIONS = {
  destinations: [
    { id: 'acme', data: { name: 'Acme <LMS>', dispatchCount: 1, tags: [], email: '', notes: '', created: '2026-01-02T00:00:00Z' } },
  ],
  total: 1,
};
const DISPATCH = {
  id: 'golf-1a2b3c',
  data: {
    destinationId: 'acme',
    destinationName: 'Acme <LMS>',
    courseId: 'golf',
    courseTitle: 'Golf Explained',
    enabled: true,
    instanced: true,
    allowNewRegistrations: true,
    registrationCap: 25,
    registrationCount: 3,
    created: '2026-01-02T00:00:00Z',
    updated: '2026-01-02T00:00:00Z',
    tags: [],
  },
};
const LIST = '/api/app/dispatch/dispatches?orderBy=updated_desc';

describe('Dispatch', { timeout: 20000 }, () => {
  it('lists dispatches with their learners, zips per type, and disables one', async () => {
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/dispatch/destinations': () => jsonResponse(200, DESTINATIONS),
      [`GET ${LIST}`]: () => jsonResponse(200, { dispatches: [DISPATCH], more: null, total: 1 }),
      'PUT /api/app/dispatch/dispatches/golf-1a2b3c': () => jsonResponse(204),
    });
    const { user } = renderApp('/dispatch');
    const table = await screen.findByRole('table', { name: 'Dispatches' }, { timeout: 8000 });
    expect(within(table).getByText('Golf Explained')).toBeInTheDocument();
    expect(within(table).getByText('Acme <LMS>')).toBeInTheDocument();
    expect(within(table).getByText('3 / 25')).toBeInTheDocument();
    await user.click(within(table).getByRole('button', { name: 'Download' }));
    const aicc = await screen.findByRole('menuitem', { name: 'AICC package' });
    expect(aicc).toHaveAttribute('href', '/api/app/dispatch/dispatches/golf-1a2b3c/zip?type=AICC');
    await user.keyboard('{Escape}');
    await user.click(within(table).getByRole('button', { name: 'Disable' }));
    await waitFor(() => expect(callsTo(fetchMock, 'PUT /api/app/dispatch/dispatches/golf-1a2b3c')).toHaveLength(1));
    const init = callsTo(fetchMock, 'PUT /api/app/dispatch/dispatches/golf-1a2b3c')[0]?.[1];
    expect(JSON.parse(String(init?.body))).toEqual({ enabled: false });
  });

  it('filters by destination and shows the LTI launch details with copy buttons', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/dispatch/destinations': () => jsonResponse(200, DESTINATIONS),
      [`GET ${LIST}&destinationId=acme`]: () => jsonResponse(200, { dispatches: [DISPATCH], more: null, total: 1 }),
      'GET /api/app/dispatch/dispatches/golf-1a2b3c/lti': () =>
        jsonResponse(200, { url: 'https://nimbus.test/launch/dispatch/lti/r/golf-1a2b3c', consumerKey: 'nimbus-key', sharedSecret: 's3cret' }),
    });
    const { user } = renderApp('/dispatch?destinationId=acme');
    const table = await screen.findByRole('table', { name: 'Dispatches' }, { timeout: 8000 });
    await user.click(within(table).getByRole('button', { name: 'LTI' }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('nimbus-key')).toBeInTheDocument();
    expect(within(dialog).getByText('s3cret')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Copy Shared secret' })).toBeInTheDocument();
  });

  it('publishes with PENS and lists the receipts', async () => {
    let published = false;
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/dispatch/destinations': () => jsonResponse(200, DESTINATIONS),
      [`GET ${LIST}`]: () => jsonResponse(200, { dispatches: [DISPATCH], more: null, total: 1 }),
      'GET /api/app/dispatch/dispatches/golf-1a2b3c/pens': () =>
        jsonResponse(200, {
          records: published
            ? [
                { kind: 'collect', created: '2026-01-02T00:00:00Z', error: '0', targetUrl: 'https://lms.test/pens' },
                { kind: 'receipt', created: '2026-01-02T00:00:05Z', error: '0', errorText: 'package collected' },
              ]
            : [],
        }),
      'POST /api/app/dispatch/dispatches/golf-1a2b3c/pens': () => {
        published = true;
        return jsonResponse(200, { kind: 'collect', created: '2026-01-02T00:00:00Z', error: '0' });
      },
    });
    const { user } = renderApp('/dispatch');
    const table = await screen.findByRole('table', { name: 'Dispatches' }, { timeout: 8000 });
    await user.click(within(table).getByRole('button', { name: 'PENS' }));
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('Nothing published yet.')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText(/Target LMS PENS URL/), 'https://lms.test/pens');
    await user.click(within(dialog).getByRole('button', { name: 'Publish' }));
    const receipts = await within(dialog).findByRole('table', { name: 'PENS messages' });
    expect(within(receipts).getByText(/package collected/)).toBeInTheDocument();
    const init = callsTo(fetchMock, 'POST /api/app/dispatch/dispatches/golf-1a2b3c/pens')[0]?.[1];
    expect(JSON.parse(String(init?.body))).toMatchObject({ targetUrl: 'https://lms.test/pens', type: 'SCORM_12' });
  });

  it('opens New dispatch from Share > Dispatch with the course chosen, and adds destinations', async () => {
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/dispatch/destinations': () => jsonResponse(200, DESTINATIONS),
      [`GET ${LIST}`]: () => jsonResponse(200, { dispatches: [], more: null, total: 0 }),
      'GET /api/app/courses?orderBy=updated_desc': () =>
        jsonResponse(200, {
          courses: [{ id: 'golf', title: 'Golf Explained', created: '', updated: '', version: 0, courseLearningStandard: 'SCORM12', tags: [] }],
          more: null,
          total: 1,
          storage: { bytesExpanded: 0, courses: 1, versions: 1 },
        }),
      'POST /api/app/dispatch/destinations': () => jsonResponse(204),
    });
    const { user } = renderApp('/dispatch?course=golf');
    const form = await screen.findByRole('form', { name: 'New dispatch' });
    expect(await within(form).findByText('Golf Explained')).toBeInTheDocument();
    expect(screen.getByText(/No dispatches yet/)).toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: 'Destinations' }));
    const added = await screen.findByRole('form', { name: 'New destination' });
    const destinations = await screen.findByRole('table', { name: 'Destinations' });
    expect(within(destinations).getByRole('link', { name: 'Reportage of Acme <LMS>' })).toHaveAttribute(
      'href', '/reportage?report=destination&key=acme');
    await user.type(within(added).getByLabelText(/Destination id/), 'beta');
    await user.type(within(added).getByLabelText(/^Name/), 'Beta LMS');
    await user.click(within(added).getByRole('button', { name: 'Add destination' }));
    await waitFor(() => expect(callsTo(fetchMock, 'POST /api/app/dispatch/destinations')).toHaveLength(1));
    const init = callsTo(fetchMock, 'POST /api/app/dispatch/destinations')[0]?.[1];
    expect(JSON.parse(String(init?.body))).toEqual({ id: 'beta', name: 'Beta LMS' });
  });

  it('lists the registrations that came through one destination', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/registrations?destinationId=acme': () =>
        jsonResponse(200, {
          registrations: [
            {
              id: 'dispatch-abc',
              learner: { id: 'host-7', firstName: 'Ada', lastName: 'Lovelace', email: '' },
              course: { id: 'golf', title: 'Golf Explained', version: 0 },
              registrationCompletion: 'COMPLETED',
              registrationSuccess: 'PASSED',
              score: { scaled: 90 },
              updated: '2026-01-02T00:00:00Z',
              dispatchId: 'golf-1a2b3c',
            },
          ],
          more: null,
          total: 1,
        }),
    });
    renderApp('/registrations?destinationId=acme');
    const table = await screen.findByRole('table', { name: 'Registrations' }, { timeout: 8000 });
    expect(within(table).getByText('dispatch-abc')).toBeInTheDocument();
    expect(screen.getByText('Learners who came through dispatch destination acme.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Full Report' })).toHaveAttribute('href', '/reportage?report=destination&key=acme');
    expect(within(table).getByRole('link', { name: 'Ada Lovelace' })).toHaveAttribute('href', '/reportage?report=learner&key=host-7');
  });
});
