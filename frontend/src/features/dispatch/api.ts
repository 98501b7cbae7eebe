/** The Dispatch tab's calls: /api/app/dispatch/... (web session + CSRF). */
import { api } from '../../api/client';

export interface Destination {
  id: string;
  data: { name: string; dispatchCount?: number; tags: string[]; email: string; notes: string; created: string };
}

export interface DispatchData {
  destinationId: string;
  destinationName: string;
  courseId: string;
  courseTitle: string;
  enabled: boolean;
  instanced: boolean;
  allowNewRegistrations: boolean;
  registrationCap: number;
  registrationCount: number;
  expirationDate?: string;
  created: string;
  updated: string;
  tags: string[];
}

export interface Dispatch {
  id: string;
  data: DispatchData;
}

export interface LtiInfo {
  url: string;
  consumerKey: string;
  sharedSecret: string;
}

export interface PensRecord {
  kind: 'collect' | 'receipt' | 'alert';
  created: string;
  error: string;
  errorText?: string;
  targetUrl?: string;
  type?: string;
}

export interface DispatchFilters {
  destinationId?: string;
  courseId?: string;
  filter?: string;
  isEnabled?: string;
}

export const PACKAGE_TYPES: { value: string; label: string }[] = [
  { value: 'SCORM_12', label: 'SCORM 1.2' },
  { value: 'SCORM_2004_3RD', label: 'SCORM 2004 3rd Edition' },
  { value: 'AICC', label: 'AICC' },
];

const base = '/api/app/dispatch';
const id = (value: string) => encodeURIComponent(value);

export function dispatchListPath(filters: DispatchFilters): string {
  const query = new URLSearchParams({ orderBy: 'updated_desc' });
  for (const [name, value] of Object.entries(filters)) {
    if (value) query.set(name, value);
  }
  return `${base}/dispatches?${query.toString()}`;
}

export function zipUrl(dispatchId: string, type: string): string {
  return `${base}/dispatches/${id(dispatchId)}/zip?type=${type}`;
}

export const dispatchApi = {
  destinations: (signal?: AbortSignal) =>
    api.get<{ destinations: Destination[]; total: number }>(`${base}/destinations`, signal),
  createDestination: (body: { id: string; name: string; email?: string; notes?: string }) =>
    api.post<void>(`${base}/destinations`, body),
  deleteDestination: (destinationId: string) => api.delete(`${base}/destinations/${id(destinationId)}`),
  dispatches: (filters: DispatchFilters, signal?: AbortSignal) =>
    api.get<{ dispatches: Dispatch[]; more: string | null; total: number }>(dispatchListPath(filters), signal),
  create: (body: { courseIds: string[]; destinationId: string; registrationCap?: number; expirationDate?: string }) =>
    api.post<{ ids: string[] }>(`${base}/dispatches`, body),
  update: (dispatchId: string, body: Partial<DispatchData>) => api.put<void>(`${base}/dispatches/${id(dispatchId)}`, body),
  remove: (dispatchId: string) => api.delete(`${base}/dispatches/${id(dispatchId)}`),
  lti: (dispatchId: string, signal?: AbortSignal) =>
    api.get<LtiInfo>(`${base}/dispatches/${id(dispatchId)}/lti`, signal),
  pensRecords: (dispatchId: string, signal?: AbortSignal) =>
    api.get<{ records: PensRecord[] }>(`${base}/dispatches/${id(dispatchId)}/pens`, signal),
  publish: (dispatchId: string, body: { targetUrl: string; type: string; systemUserId?: string; systemPassword?: string }) =>
    api.post<PensRecord>(`${base}/dispatches/${id(dispatchId)}/pens`, body),
};
