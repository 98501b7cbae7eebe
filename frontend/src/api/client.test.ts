import { describe, expect, it } from 'vitest';
import { ApiError, api, setCsrfToken } from './client';
import { jsonResponse, stubFetch } from '../test/utils';

describe('api client', () => {
  it('sends and parses JSON with same-origin credentials', async () => {
    const fetchMock = stubFetch({
      'POST /api/things': () => jsonResponse(201, { id: 7 }),
    });

    await expect(api.post('/api/things', { name: 'x' })).resolves.toEqual({ id: 7 });

    const init = fetchMock.mock.calls[0]![1]!;
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{"name":"x"}');
    const headers = new Headers(init.headers);
    expect(headers.get('Content-Type')).toBe('application/json');
    expect(headers.get('Accept')).toBe('application/json');
  });

  it('throws ApiError with the status and the body message on non-2xx', async () => {
    stubFetch({ 'GET /api/things': () => jsonResponse(403, { message: 'Not allowed.' }) });

    const error = await api.get('/api/things').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, message: 'Not allowed.' });
  });

  it('falls back to a generic message when the error body is not JSON', async () => {
    stubFetch({ 'GET /api/things': () => new Response('<html>Bad gateway</html>', { status: 502 }) });

    await expect(api.get('/api/things')).rejects.toMatchObject({
      status: 502,
      message: 'The server could not complete the request. Please try again.',
    });
  });

  it('turns a network failure into ApiError with status 0', async () => {
    stubFetch({
      'GET /api/things': () => {
        throw new TypeError('Failed to fetch');
      },
    });

    await expect(api.get('/api/things')).rejects.toMatchObject({ status: 0 });
  });

  it('adds X-CSRF-Token to mutating requests only', async () => {
    const fetchMock = stubFetch({
      'GET /api/things': () => jsonResponse(200, []),
      'POST /api/things': () => jsonResponse(200, {}),
      'PUT /api/things': () => jsonResponse(200, {}),
      'PATCH /api/things': () => jsonResponse(200, {}),
      'DELETE /api/things': () => jsonResponse(204),
    });
    setCsrfToken('tok-1');

    await api.get('/api/things');
    await api.post('/api/things', {});
    await api.put('/api/things', {});
    await api.patch('/api/things', {});
    await expect(api.delete('/api/things')).resolves.toBeUndefined();

    const tokens = fetchMock.mock.calls.map(([, init]) => [
      init?.method,
      new Headers(init?.headers).get('X-CSRF-Token'),
    ]);
    expect(tokens).toEqual([
      ['GET', null],
      ['POST', 'tok-1'],
      ['PUT', 'tok-1'],
      ['PATCH', 'tok-1'],
      ['DELETE', 'tok-1'],
    ]);
  });
});
