/** The LRS viewer's calls: /api/lrs/... (web session; owners and administrators). */
import { api } from '../../api/client';

export interface LrsEndpoint {
  id: string;
  name: string;
  kind: 'realm' | 'app';
}

/** An xAPI statement as stored; only the parts the table shows are typed. */
export interface Statement {
  id: string;
  timestamp?: string;
  stored?: string;
  actor?: Agent;
  verb: { id: string; display?: Record<string, string> };
  object: {
    objectType?: string;
    id?: string;
    definition?: { name?: Record<string, string> };
  } & Agent;
  [key: string]: unknown;
}

export interface Agent {
  objectType?: string;
  name?: string;
  mbox?: string;
  mbox_sha1sum?: string;
  openid?: string;
  account?: { homePage?: string; name?: string };
}

export interface StatementPage {
  statements: Statement[];
  more: string;
}

/** The filters of the form, as typed. */
export interface Filters {
  endpoint: string;
  actorKind: 'mbox' | 'account';
  mbox: string;
  homePage: string;
  accountName: string;
  verb: string;
  activity: string;
  registration: string;
  since: string;
  until: string;
}

export const NO_FILTERS: Omit<Filters, 'endpoint'> = {
  actorKind: 'mbox',
  mbox: '',
  homePage: '',
  accountName: '',
  verb: '',
  activity: '',
  registration: '',
  since: '',
  until: '',
};

/** The xAPI `agent` parameter (Communication §2.1.3) for the actor filter, if one was given. */
export function agentParam(filters: Filters): string | null {
  if (filters.actorKind === 'mbox') {
    const mbox = filters.mbox.trim();
    if (!mbox) return null;
    return JSON.stringify({ mbox: mbox.startsWith('mailto:') ? mbox : `mailto:${mbox}` });
  }
  const homePage = filters.homePage.trim();
  const name = filters.accountName.trim();
  if (!homePage && !name) return null;
  return JSON.stringify({ account: { homePage, name } });
}

/** Query parameters of the statements list and the exports, in a fixed order. */
export function filterParams(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.endpoint) params.set('endpoint', filters.endpoint);
  const agent = agentParam(filters);
  if (agent) params.set('agent', agent);
  for (const name of ['verb', 'activity', 'registration', 'since', 'until'] as const) {
    const value = filters[name].trim();
    if (value) params.set(name, value);
  }
  return params;
}

export const lrsApi = {
  endpoints: (signal?: AbortSignal) => api.get<{ endpoints: LrsEndpoint[] }>('/api/lrs/endpoints', signal),
  statements: (params: URLSearchParams, more: string, signal?: AbortSignal) => {
    const query = new URLSearchParams(params);
    if (more) query.set('more', more);
    return api.get<StatementPage>(`/api/lrs/statements?${query.toString()}`, signal);
  },
  statement: (endpoint: string, id: string, signal?: AbortSignal) =>
    api.get<Statement>(
      `/api/lrs/statements/${encodeURIComponent(id)}?${new URLSearchParams({ endpoint }).toString()}`,
      signal,
    ),
};

function firstText(map?: Record<string, string>): string | undefined {
  if (!map) return undefined;
  return map['en-US'] ?? map.en ?? Object.values(map)[0];
}

export function agentLabel(agent?: Agent): string {
  if (!agent) return '';
  const id = agent.mbox?.replace(/^mailto:/, '') ??
    (agent.account ? `${agent.account.name ?? ''} (${agent.account.homePage ?? ''})` : undefined) ??
    agent.openid ?? agent.mbox_sha1sum;
  if (agent.name && id) return `${agent.name} <${id}>`;
  return agent.name ?? id ?? agent.objectType ?? '';
}

export function verbLabel(statement: Statement): string {
  return firstText(statement.verb.display) ?? statement.verb.id;
}

export function objectLabel(statement: Statement): string {
  const target = statement.object;
  const kind = target.objectType ?? 'Activity';
  if (kind === 'Agent' || kind === 'Group') return agentLabel(target);
  if (kind === 'SubStatement') return 'a sub-statement';
  if (kind === 'StatementRef') return `statement ${target.id ?? ''}`;
  return firstText(target.definition?.name) ?? target.id ?? '';
}
