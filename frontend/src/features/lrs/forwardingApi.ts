/** The LRS › Forwarding page's calls: /api/app/lrs/statementPipes (web session). */
import { api } from '../../api/client';

export interface XapiEndpoint {
  url: string;
  userName: string;
  password: string;
}

export interface StatementPipe {
  id: string;
  lastForwardedStatementDate: string | null;
  attempts: number;
  visibleAfter: string | null;
  source: XapiEndpoint;
  target: XapiEndpoint;
  paused: boolean;
  position: string | null;
  forwarded: number;
  deadLetters: number;
  lastError: string | null;
  pending?: number;
  pendingCapped?: boolean;
  lagSeconds?: number | null;
  created: string;
}

export interface DeadLetter {
  statementId: string;
  position: string;
  status: number | null;
  error: string;
  at: string;
}

export interface NewPipe {
  source: { url: string };
  target: { url: string; userName: string; password: string };
}

const BASE = '/api/app/lrs/statementPipes';
const enc = encodeURIComponent;

export const forwardingApi = {
  list: (signal?: AbortSignal) => api.get<{ xapiStatementPipes: StatementPipe[] }>(BASE, signal),
  create: (pipe: NewPipe) => api.post<{ result: string }>(BASE, pipe),
  pause: (id: string) => api.post<StatementPipe>(`${BASE}/${enc(id)}/pause`),
  resume: (id: string) => api.post<StatementPipe>(`${BASE}/${enc(id)}/resume`),
  remove: (id: string) => api.delete(`${BASE}/${enc(id)}`),
  deadLetters: (id: string, signal?: AbortSignal) =>
    api.get<{ deadLetters: DeadLetter[] }>(`${BASE}/${enc(id)}/deadLetters`, signal),
};
