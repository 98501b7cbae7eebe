/** The Invitations pages' calls: /api/app/invitations... and /api/app/outbox (web session). */
import { api } from '../../api/client';

export type InvitationKind = 'public' | 'private';

export interface JobStatus {
  status: 'STARTED' | 'CANCELLED' | 'COMPLETE' | 'ERROR';
  errors: string[];
  total: number;
  processed: number;
}

export interface Invitation {
  id: string;
  kind: InvitationKind;
  courseId: string;
  courseTitle: string;
  allowLaunch: boolean;
  allowNewRegistrations?: boolean;
  url: string | null;
  createDate: string;
  updated: string;
  expirationDate?: string;
  registrationCap?: number;
  registrationCount: number;
  launchedRegistrationCount?: number;
  invitationEmail?: { subject: string; body: string; addresses: string[] };
  tags: string[];
}

export interface Person {
  email: string;
  firstName: string;
  lastName: string;
  url: string;
  isStarted: boolean;
  updated: string;
  registrationId: string;
  registrationReport?: {
    complete?: string;
    success?: string;
    totalSecondsTracked?: number;
    score?: { scaled: number };
  };
}

export interface InvitationDetail extends Invitation {
  people: Person[];
  /** How many people in all (the page lists the first 200). */
  peopleTotal?: number;
  jobStatus: JobStatus | null;
}

export interface InvitationFilters {
  kind?: 'all' | InvitationKind;
  courseId?: string;
  filter?: string;
  filterBy?: string;
  tags?: string;
}

export interface OutboxMessage {
  invitationId: string;
  number: number;
  to: string;
  from: string;
  subject: string;
  date: string;
  text: string;
  links: string[];
}

export interface NewPublicInvitation {
  courseId: string;
  registrationCap?: number;
  expirationDate?: string;
  tags?: string[];
}

export interface NewPrivateInvitation {
  courseId: string;
  expirationDate?: string;
  invitationEmail: { subject: string; body: string; addresses: string[] };
  tags?: string[];
}

export interface InvitationChanges {
  allowLaunch?: boolean;
  allowNewRegistrations?: boolean;
  registrationCap?: number;
  expirationDate?: string | null;
}

const enc = encodeURIComponent;

function query(filters: InvitationFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value) params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const invitationsApi = {
  list: (filters: InvitationFilters, signal?: AbortSignal) =>
    api.get<{ invitations: Invitation[]; more: string | null; total: number }>(
      `/api/app/invitations${query(filters)}`,
      signal,
    ),
  detail: (id: string, signal?: AbortSignal) => api.get<InvitationDetail>(`/api/app/invitations/${enc(id)}`, signal),
  createPublic: (body: NewPublicInvitation) => api.post<{ id: string }>('/api/app/invitations/public', body),
  createPrivate: (body: NewPrivateInvitation) =>
    api.post<{ id: string; jobStatus: JobStatus }>('/api/app/invitations/private', body),
  update: (id: string, changes: InvitationChanges) =>
    api.put<Invitation>(`/api/app/invitations/${enc(id)}`, changes),
  resend: (id: string, people: number[] | null) =>
    api.post<JobStatus>(`/api/app/invitations/${enc(id)}/resend`, people ? { people } : {}),
  outbox: (signal?: AbortSignal) =>
    api.get<{ enabled: boolean; messages: OutboxMessage[] }>('/api/app/outbox', signal),
};

/** "Ada Lovelace <ada@example.com>" or "ada@example.com", one per line (commas and semicolons too). */
export function parseAddresses(text: string): string[] {
  return text
    .split(/[\n;]+/)
    .flatMap((line) => (line.includes('<') ? [line] : line.split(',')))
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** A datetime-local input value → ISO 8601 in UTC ("" → undefined). */
export function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const moment = new Date(local);
  return Number.isNaN(moment.getTime()) ? undefined : moment.toISOString();
}

/** ISO 8601 → a datetime-local input value in the browser's zone. */
export function toLocalInput(iso?: string): string {
  if (!iso) return '';
  const moment = new Date(iso);
  const offset = moment.getTimezoneOffset() * 60_000;
  return new Date(moment.getTime() - offset).toISOString().slice(0, 16);
}

export function personName(person: Pick<Person, 'firstName' | 'lastName' | 'email'>): string {
  return [person.firstName, person.lastName].filter(Boolean).join(' ') || person.email;
}

/** Why an invitation lets nobody in right now, or null when it is open. */
export function invitationState(inv: Invitation, now: Date = new Date()): string | null {
  if (!inv.allowLaunch) return 'Disabled';
  if (inv.expirationDate && new Date(inv.expirationDate) <= now) return 'Expired';
  if (inv.kind === 'public' && inv.registrationCap && inv.registrationCount >= inv.registrationCap) return 'Full';
  if (inv.kind === 'public' && inv.allowNewRegistrations === false) return 'Closed to new people';
  return null;
}
