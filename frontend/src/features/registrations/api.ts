/** The Registrations pages' calls: /api/app/registrations... (web session). */
import { api } from '../../api/client';

export interface Score {
  scaled: number;
}

export interface RuntimeInteraction {
  id: string;
  type: string;
  learnerResponse: string;
  result: string;
  correctResponses: string[];
  latency: string;
  timestamp: string;
}

export interface RuntimeObjective {
  id: string;
  scoreScaled: string;
  scoreRaw: string;
  runtimeObjectiveSuccessStatus: string;
  runtimeObjectiveCompletionStatus: string;
}

/** A statement about an xAPI / cmi5 activity (Nimbus extension ``runtime.statements``). */
export interface StatementSummary {
  id: string;
  timestamp: string;
  verb: string;
  object: string;
  result?: { score?: { scaled?: number }; success?: boolean; completion?: boolean; duration?: string };
}

export interface Runtime {
  statements?: StatementSummary[];
  completionStatus: string;
  runtimeSuccessStatus: string;
  entry: string;
  exit: string;
  location: string;
  scoreRaw: string;
  scoreScaled: string;
  totalTime: string;
  suspendData: string;
  runtimeInteractions?: RuntimeInteraction[];
  runtimeObjectives?: RuntimeObjective[];
  learnerComments: { value: string; location: string; dateTime: string }[];
}

export interface ActivityResult {
  id: string;
  title: string;
  attempts: number;
  activityCompletion: string;
  activitySuccess: string;
  score?: Score;
  timeTracked: string;
  suspended: boolean;
  children?: ActivityResult[];
  runtime?: Runtime;
}

export interface Registration {
  id: string;
  instance: number;
  registrationCompletion: string;
  registrationSuccess: string;
  score?: Score;
  totalSecondsTracked: number;
  createdDate: string;
  updated: string;
  lastAccessDate?: string;
  course: { id: string; title: string; version: number };
  learner: { id: string; firstName: string; lastName: string; email: string };
  tags: string[];
  activityDetails: ActivityResult;
}

export interface LaunchRecord {
  id: string;
  instance: number;
  launchTime: string;
  exitTime?: string;
  completionStatus: string;
  successStatus: string;
  totalSecondsTracked: number;
  score?: Score;
}

export interface RegistrationDetail extends Registration {
  /** the course's learning standard (SCORM12, CMI5, XAPI, ...) */
  standard?: string;
  launchHistory: LaunchRecord[];
  instances: number[];
}

export interface LogEntry {
  t?: string;
  kind?: string;
  call?: string;
  args?: unknown[];
  result?: string;
  error?: number;
  [key: string]: unknown;
}

export interface DebugLog {
  launchId: string;
  launchTime: string;
  entries: LogEntry[];
  shareUrl: string;
}

const enc = encodeURIComponent;

export const registrationsApi = {
  list: (courseId: string | null, signal?: AbortSignal, destinationId?: string | null) =>
    api.get<{ registrations: Registration[]; more: string | null; total: number }>(
      `/api/app/registrations${courseId ? `?courseId=${enc(courseId)}` : ''}${
        destinationId ? `${courseId ? '&' : '?'}destinationId=${enc(destinationId)}` : ''
      }`,
      signal,
    ),
  detail: (id: string, signal?: AbortSignal) =>
    api.get<RegistrationDetail>(`/api/app/registrations/${enc(id)}`, signal),
  /** cmi5: the AU counts as having met its moveOn (a "waived" statement, reason Administrative). */
  waive: (id: string, auId: string) =>
    api.post<{ auId: string; sessionId: string }>(`/api/app/registrations/${enc(id)}/cmi5/waive`, {
      auId,
      reason: 'Administrative',
    }),
  log: (id: string, launchId: string, signal?: AbortSignal) =>
    api.get<DebugLog>(`/api/app/registrations/${enc(id)}/launches/${enc(launchId)}/log`, signal),
};

export function learnerName(learner: Registration['learner']): string {
  return [learner.firstName, learner.lastName].filter(Boolean).join(' ') || learner.id;
}
