/** The Library's calls: /api/app/courses... (web session + CSRF), and the upload with progress. */
import { ApiError, CSRF_HEADER, api, getCsrfToken } from '../../api/client';

export interface Activity {
  externalIdentifier: string;
  itemIdentifier: string;
  resourceIdentifier: string;
  activityType: 'AGGREGATION' | 'SCO' | 'ASSET' | 'OBJECTIVE' | 'UNKNOWN';
  href: string;
  title: string;
  scaledPassingScore?: string;
  children: Activity[];
}

export interface Course {
  id: string;
  title: string;
  created: string;
  updated: string;
  version: number;
  courseLearningStandard: string;
  tags: string[];
  rootActivity?: Activity;
}

export interface CourseVersion {
  version: number;
  created: string;
  standard: string;
  title: string;
  sizeBytes: number;
  fileCount: number;
  warnings: string[];
  importJobId: string;
}

export interface CoursePageData extends Course {
  metadata?: { description: string };
  versions: CourseVersion[];
  previewLink: string;
}

export interface Library {
  courses: Course[];
  more: string | null;
  total: number;
  storage: { bytesExpanded: number; courses: number; versions: number };
}

export interface ImportJob {
  jobId: string;
  status: 'RUNNING' | 'COMPLETE' | 'ERROR';
  message: string;
  importResult?: { parserWarnings: string[]; course: Course };
}

export const STANDARD_NAMES: Record<string, string> = {
  SCORM11: 'SCORM 1.1',
  SCORM12: 'SCORM 1.2',
  SCORM20042NDEDITION: 'SCORM 2004 2nd Edition',
  SCORM20043RDEDITION: 'SCORM 2004 3rd Edition',
  SCORM20044THEDITION: 'SCORM 2004 4th Edition',
  AICC: 'AICC',
  XAPI: 'xAPI (Tin Can)',
  CMI5: 'cmi5',
  UNKNOWN: 'Unknown',
};

export const libraryApi = {
  list: (signal?: AbortSignal) => api.get<Library>('/api/app/courses?orderBy=updated_desc', signal),
  course: (id: string, signal?: AbortSignal) =>
    api.get<CoursePageData>(`/api/app/courses/${encodeURIComponent(id)}`, signal),
  remove: (id: string) => api.delete(`/api/app/courses/${encodeURIComponent(id)}`),
  job: (id: string, signal?: AbortSignal) =>
    api.get<ImportJob>(`/api/app/importJobs/${encodeURIComponent(id)}`, signal),
};

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** POST the file as multipart/form-data, reporting upload progress (0..1). */
export function uploadCourse(
  file: File,
  courseId: string,
  onProgress: (fraction: number) => void,
): Promise<{ jobId: string; courseId: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/app/courses/import');
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    const token = getCsrfToken();
    if (token !== null) xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: { message?: string; jobId?: string; courseId?: string } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // fall through to a generic message
      }
      if (xhr.status >= 200 && xhr.status < 300 && body.jobId && body.courseId) {
        onProgress(1);
        resolve({ jobId: body.jobId, courseId: body.courseId });
      } else {
        reject(new ApiError(xhr.status, body.message ?? `Upload failed (HTTP ${xhr.status}).`));
      }
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'Could not reach the server. Check your connection and try again.'));
    const form = new FormData();
    form.append('file', file);
    if (courseId.trim() !== '') form.append('courseId', courseId.trim());
    xhr.send(form);
  });
}
