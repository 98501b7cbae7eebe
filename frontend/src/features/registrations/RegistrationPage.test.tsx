import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { TEST_SESSION, jsonResponse, renderApp, stubFetch } from '../../test/utils';

const REGISTRATION = {
  id: 'r1',
  instance: 0,
  registrationCompletion: 'COMPLETED',
  registrationSuccess: 'PASSED',
  score: { scaled: 90 },
  totalSecondsTracked: 210,
  createdDate: '2026-01-02T03:04:05.000Z',
  updated: '2026-01-02T03:04:05.000Z',
  course: { id: 'golf', title: 'Golf <Explained>', version: 0 },
  learner: { id: 'l1', firstName: 'Ada', lastName: 'Lovelace', email: '' },
  tags: [],
  activityDetails: {
    id: 'org1',
    title: 'Golf',
    attempts: 1,
    activityCompletion: 'COMPLETED',
    activitySuccess: 'PASSED',
    timeTracked: 'PT3M30S',
    suspended: false,
    children: [
      {
        id: 'item_1',
        title: 'Lesson 1',
        attempts: 1,
        activityCompletion: 'COMPLETED',
        activitySuccess: 'PASSED',
        score: { scaled: 90 },
        timeTracked: 'PT3M30S',
        suspended: false,
        children: [],
        runtime: {
          completionStatus: 'passed',
          runtimeSuccessStatus: 'PASSED',
          entry: 'resume',
          exit: '',
          location: 'page-3',
          scoreRaw: '90',
          scoreScaled: '',
          totalTime: '0000:03:30.00',
          suspendData: 'page=3',
          learnerComments: [],
          runtimeInteractions: [
            { id: 'q1', type: 'choice', learnerResponse: 'b', result: 'correct', correctResponses: ['b'], latency: '', timestamp: '' },
          ],
          runtimeObjectives: [],
        },
      },
    ],
  },
};

describe('Registrations', () => {
  it('lists registrations and shows one with its runtime data and debug log', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/registrations': () => jsonResponse(200, { registrations: [REGISTRATION], more: null, total: 1 }),
      'GET /api/app/registrations/r1': () =>
        jsonResponse(200, {
          ...REGISTRATION,
          instances: [0],
          launchHistory: [
            { id: 'L1', instance: 0, launchTime: '2026-01-02T03:04:05Z', completionStatus: 'COMPLETED', successStatus: 'PASSED', totalSecondsTracked: 210 },
          ],
        }),
      'GET /api/app/registrations/r1/configuration': () =>
        jsonResponse(200, {
          settingItems: [
            {
              id: 'PlayerShowNavBar',
              effectiveValue: 'false',
              effectiveValueSource: 'course',
              explicit: false,
              metadata: { default: 'true', dataType: 'bool', settingDescription: 'Navigation bar.', validValues: [] },
            },
          ],
        }),
      'GET /api/app/registrations/r1/postbacks': () =>
        jsonResponse(200, {
          postBack: { url: 'https://lms.example/hook', authType: 'HTTPBASIC', userName: 'hook', resultsFormat: 'FULL', passwordSet: true },
          attempts: [
            { attempt: 2, at: '2026-01-02T03:05:00Z', url: 'https://lms.example/hook', outcome: 'DELIVERED', status: 200, error: null, seconds: 0.1, version: 3, nextAttemptAt: null },
            { attempt: 1, at: '2026-01-02T03:04:10Z', url: 'https://lms.example/hook', outcome: 'FAILED', status: 500, error: 'HTTP 500: down', seconds: 0.1, version: 3, nextAttemptAt: '2026-01-02T03:04:20Z' },
          ],
        }),
      'GET /api/app/registrations/r1/launches/L1/log': () =>
        jsonResponse(200, {
          launchId: 'L1',
          launchTime: '2026-01-02T03:04:05Z',
          shareUrl: 'http://x/launch/debug/abc',
          entries: [{ t: '2026-01-02T03:04:06Z', call: 'LMSSetValue', args: ['cmi.core.score.raw', '90'], result: 'true', error: 0 }],
        }),
    });
    const { user } = renderApp('/registrations');
    const table = await screen.findByRole('table', { name: 'Registrations' });
    expect(within(table).getByText('Golf <Explained>')).toBeInTheDocument();
    // the History's Full Report: the Reportage overview
    expect(screen.getByRole('link', { name: 'Full Report' })).toHaveAttribute('href', '/reportage?report=overview');
    await user.click(within(table).getByRole('link', { name: 'r1' }));
    expect(await screen.findByText('page-3')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'learner report' })).toHaveAttribute('href', '/reportage?report=learner&key=l1');
    expect(screen.getByRole('table', { name: 'Interactions' })).toHaveTextContent('correct');
    await user.click(screen.getByRole('button', { name: 'Show' }));
    const log = await screen.findByRole('table', { name: 'Debug log' });
    expect(log).toHaveTextContent('LMSSetValue');
    expect(screen.getByRole('link', { name: 'Shareable link' })).toHaveAttribute('href', 'http://x/launch/debug/abc');
    const deliveries = await screen.findByRole('table', { name: 'Postback deliveries' });
    expect(within(deliveries).getByText('DELIVERED')).toBeInTheDocument();
    expect(within(deliveries).getByText('HTTP 500: down')).toBeInTheDocument();
    expect(screen.getByText('https://lms.example/hook')).toBeInTheDocument();
    const settings = await screen.findByRole('table', { name: 'Registration settings' }, { timeout: 5000 });
    expect(within(settings).getByText('Course')).toBeInTheDocument(); // inherited from the course
  }, 15_000);

  it('shows the statements of an xAPI activity in its runtime data', async () => {
    const tincan = {
      ...REGISTRATION,
      id: 'r2',
      activityDetails: {
        ...REGISTRATION.activityDetails,
        children: [
          {
            ...REGISTRATION.activityDetails.children[0],
            runtime: {
              completionStatus: 'completed',
              runtimeSuccessStatus: 'PASSED',
              scoreScaled: '0.9',
              totalTime: 'PT1M30S',
              learnerComments: [],
              statements: [
                { id: 's1', timestamp: '2026-01-02T03:04:06Z', verb: 'http://adlnet.gov/expapi/verbs/passed', object: 'https://x/a', result: { score: { scaled: 0.9 } } },
              ],
            },
          },
        ],
      },
    };
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/registrations/r2': () => jsonResponse(200, { ...tincan, instances: [0], launchHistory: [] }),
      'GET /api/app/registrations/r2/configuration': () => jsonResponse(200, { settingItems: [] }),
      'GET /api/app/registrations/r2/postbacks': () => jsonResponse(200, { postBack: null, attempts: [] }),
    });
    renderApp('/registrations/r2');
    const statements = await screen.findByRole('table', { name: 'Statements' });
    expect(statements).toHaveTextContent('passed');
    expect(statements).toHaveTextContent('0.9');
  });

  it('offers Waive on the AUs of a cmi5 registration and posts it', async () => {
    let waived: unknown = null;
    const au = { ...REGISTRATION.activityDetails.children[0], id: 'https://x/au1', activityCompletion: 'INCOMPLETE' };
    const cmi5 = {
      ...REGISTRATION,
      id: 'r3',
      registrationCompletion: 'INCOMPLETE',
      activityDetails: { ...REGISTRATION.activityDetails, children: [au] },
    };
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/registrations/r3': () =>
        jsonResponse(200, { ...cmi5, standard: 'CMI5', instances: [0], launchHistory: [] }),
      'GET /api/app/registrations/r3/configuration': () => jsonResponse(200, { settingItems: [] }),
      'GET /api/app/registrations/r3/postbacks': () => jsonResponse(200, { postBack: null, attempts: [] }),
      'POST /api/app/registrations/r3/cmi5/waive': (init: RequestInit) => {
        waived = JSON.parse(String(init.body));
        return jsonResponse(200, { auId: 'https://x/au1', sessionId: 's1' });
      },
    });
    const { user } = renderApp('/registrations/r3');
    await user.click(await screen.findByRole('button', { name: 'Waive' }));
    await vi.waitFor(() => expect(waived).toEqual({ auId: 'https://x/au1', reason: 'Administrative' }));
  });
});
