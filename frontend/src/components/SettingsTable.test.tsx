import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, callsTo, jsonResponse, renderApp, stubFetch } from '../test/utils';

const COURSE = {
  id: 'golf',
  title: 'Golf',
  created: '2026-01-02T03:04:05.000Z',
  updated: '2026-01-02T03:04:05.000Z',
  version: 0,
  courseLearningStandard: 'SCORM12',
  tags: [],
  previewLink: 'http://x/launch/preview/golf/0',
  versions: [],
};

function launchType(value: string, source: string, explicit: boolean) {
  return {
    id: 'PlayerLaunchType',
    effectiveValue: value,
    effectiveValueSource: source,
    explicit,
    ...(explicit ? { explicitValue: value } : {}),
    metadata: {
      default: 'FRAMESET',
      dataType: 'enum',
      settingDescription: "How the player opens the course's content.",
      validValues: [
        { value: 'FRAMESET', valueDescription: 'In a frame.' },
        { value: 'NEW_WINDOW', valueDescription: 'In a new window.' },
      ],
    },
  };
}

describe('Course settings', () => {
  it('shows where each value comes from, changes one for the course and resets it', async () => {
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/courses/golf': () => jsonResponse(200, COURSE),
      'GET /api/app/courses/golf/configuration': () =>
        jsonResponse(200, { settingItems: [launchType('FRAMESET', 'application', false)] }),
      'POST /api/app/courses/golf/configuration': () =>
        jsonResponse(200, { settingItems: [launchType('NEW_WINDOW', 'course', true)] }),
      'DELETE /api/app/courses/golf/configuration/PlayerLaunchType': () =>
        jsonResponse(200, { settingItems: [launchType('FRAMESET', 'application', false)] }),
    });
    const { user } = renderApp('/library/golf');
    const table = await screen.findByRole('table', { name: 'Course settings' }, { timeout: 5000 });
    expect(within(table).getByText('Application')).toBeInTheDocument();
    expect(within(table).queryByRole('button', { name: 'Reset PlayerLaunchType' })).not.toBeInTheDocument();

    await user.click(within(table).getByLabelText('PlayerLaunchType'));
    await user.click(await screen.findByRole('option', { name: 'NEW_WINDOW', hidden: true }));
    await waitFor(() => expect(within(table).getByText('This course')).toBeInTheDocument());
    const posts = callsTo(fetchMock, 'POST /api/app/courses/golf/configuration');
    expect(JSON.parse(String(posts[0]?.[1]?.body))).toEqual({
      settings: [{ settingId: 'PlayerLaunchType', value: 'NEW_WINDOW', explicit: true }],
    });
    expect(new Headers(posts[0]?.[1]?.headers).get('X-CSRF-Token')).toBe(TEST_SESSION.csrfToken);

    await user.click(within(table).getByRole('button', { name: 'Reset PlayerLaunchType' }));
    await waitFor(() => expect(within(table).getByText('Application')).toBeInTheDocument());
    expect(callsTo(fetchMock, 'DELETE /api/app/courses/golf/configuration/PlayerLaunchType')).toHaveLength(1);
  }, 15_000);
});
