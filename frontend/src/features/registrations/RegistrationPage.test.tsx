import { configure, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, jsonResponse, renderApp, stubFetch } from '../../test/utils';

// Lazy routes and a loaded shared machine: a second for each lookup was not always enough.
configure({ asyncUtilTimeout: 10_000 });

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
    await user.click(within(table).getByRole('link', { name: 'r1' }));
    expect(await screen.findByText('page-3')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Interactions' })).toHaveTextContent('correct');
    await user.click(screen.getByRole('button', { name: 'Show' }));
    const log = await screen.findByRole('table', { name: 'Debug log' });
    expect(log).toHaveTextContent('LMSSetValue');
    expect(screen.getByRole('link', { name: 'Shareable link' })).toHaveAttribute('href', 'http://x/launch/debug/abc');
    const deliveries = await screen.findByRole('table', { name: 'Postback deliveries' });
    expect(within(deliveries).getByText('DELIVERED')).toBeInTheDocument();
    expect(within(deliveries).getByText('HTTP 500: down')).toBeInTheDocument();
    expect(screen.getByText('https://lms.example/hook')).toBeInTheDocument();
  });
});
