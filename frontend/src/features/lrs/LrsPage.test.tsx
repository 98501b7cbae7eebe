import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEST_SESSION, callsTo, jsonResponse, renderApp, stubFetch } from '../../test/utils';

const ENDPOINTS = {
  endpoints: [
    { id: 'r-1', name: 'Realm LRS', kind: 'realm' },
    { id: 'APP1', name: 'Main app', kind: 'app' },
  ],
};
const XSS = '<img src=x onerror="alert(1)">';

function statement(id: string, name: string) {
  return {
    id,
    timestamp: '2026-03-04T05:06:07.000Z',
    stored: '2026-03-04T05:06:08.000Z',
    actor: { objectType: 'Agent', name, mbox: 'mailto:ann@example.com' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'en-US': 'passed' } },
    object: { objectType: 'Activity', id: 'http://example.com/golf', definition: { name: { 'en-US': 'Golf' } } },
  };
}

const FIRST = '/api/lrs/statements?endpoint=APP1';

describe('LRS viewer', () => {
  it('lists statements of the default app endpoint and loads more pages', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/lrs/endpoints': () => jsonResponse(200, ENDPOINTS),
      [`GET ${FIRST}`]: () => jsonResponse(200, { statements: [statement('s-1', 'Ann')], more: 'CUR1' }),
      [`GET ${FIRST}&more=CUR1`]: () => jsonResponse(200, { statements: [statement('s-2', 'Bob')], more: '' }),
    });
    const { user } = renderApp('/lrs');
    const table = await screen.findByRole('table', { name: 'Statements' });
    expect(within(table).getByText('Ann <ann@example.com>')).toBeInTheDocument();
    expect(within(table).getByText('passed')).toBeInTheDocument();
    expect(within(table).getByText('Golf')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(table).findByText('Bob <ann@example.com>')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', '/api/lrs/export.csv?endpoint=APP1');
  });

  it('sends the filters as xAPI query parameters, to the list and the exports', async () => {
    const agent = JSON.stringify({ account: { homePage: 'https://lms.test', name: 'ann-7' } });
    const query = new URLSearchParams({
      endpoint: 'r-1',
      agent,
      verb: 'http://adlnet.gov/expapi/verbs/passed',
      activity: 'http://example.com/golf',
      registration: '6a1e3c0e-8f1b-4c55-9d52-0c3f5a7b1e01',
      since: '2026-01-01T00:00:00Z',
      until: '2026-12-31T00:00:00Z',
    }).toString();
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/lrs/endpoints': () => jsonResponse(200, ENDPOINTS),
      [`GET ${FIRST}`]: () => jsonResponse(200, { statements: [], more: '' }),
      'GET /api/lrs/statements?endpoint=r-1': () => jsonResponse(200, { statements: [], more: '' }),
      [`GET /api/lrs/statements?${query}`]: () => jsonResponse(200, { statements: [statement('s-9', 'Ann')], more: '' }),
    });
    const { user } = renderApp('/lrs');
    const fill = async (label: string, text: string) => {
      await user.click(screen.getByLabelText(label));
      await user.paste(text);
    };
    expect(await screen.findByText('No statements match.')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Endpoint'), 'r-1');
    await user.selectOptions(screen.getByLabelText('Actor identified by'), 'account');
    await fill('Account home page', 'https://lms.test');
    await fill('Account name', 'ann-7');
    await fill('Verb IRI', 'http://adlnet.gov/expapi/verbs/passed');
    await fill('Activity IRI', 'http://example.com/golf');
    await fill('Registration', '6a1e3c0e-8f1b-4c55-9d52-0c3f5a7b1e01');
    await fill('Stored since', '2026-01-01T00:00:00Z');
    await fill('Stored until', '2026-12-31T00:00:00Z');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByRole('table', { name: 'Statements' })).toBeInTheDocument();
    expect(callsTo(fetchMock, `GET /api/lrs/statements?${query}`)).toHaveLength(1);
    expect(screen.getByRole('link', { name: 'Export JSON' })).toHaveAttribute('href', `/api/lrs/export.json?${query}`);
  });

  it('shows a statement’s raw JSON in a dialog, XSS-looking values as plain text', async () => {
    const evil = statement('s-x', XSS);
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/lrs/endpoints': () => jsonResponse(200, ENDPOINTS),
      [`GET ${FIRST}`]: () => jsonResponse(200, { statements: [evil], more: '' }),
      'GET /api/lrs/statements/s-x?endpoint=APP1': () => jsonResponse(200, evil),
    });
    const { user } = renderApp('/lrs');
    const table = await screen.findByRole('table', { name: 'Statements' });
    expect(within(table).getByText(`${XSS} <ann@example.com>`)).toBeInTheDocument();
    expect(document.querySelector('img')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'View statement s-x' }));
    const dialog = await screen.findByRole('dialog');
    const json = await within(dialog).findByLabelText('Statement JSON');
    expect(json.tagName).toBe('PRE');
    expect(JSON.parse(json.textContent ?? '')).toEqual(evil);
    expect(document.querySelector('img')).toBeNull();
  });

  it('shows why the list failed', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/lrs/endpoints': () => jsonResponse(200, ENDPOINTS),
      [`GET ${FIRST}`]: () => jsonResponse(400, { message: 'since: must be an ISO 8601 timestamp' }),
    });
    renderApp('/lrs');
    expect(await screen.findByText('since: must be an ISO 8601 timestamp')).toBeInTheDocument();
  });
});
