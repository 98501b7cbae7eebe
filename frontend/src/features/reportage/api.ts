/** The Reportage section's calls: /api/app/reportage/{report} (web session), or
 * /api/app/reportage-link/reports/{report} (the reports-only session a Reportage link opens). */
import { api } from '../../api/client';

export type ReportKind = 'overview' | 'course' | 'learner' | 'invitation' | 'destination' | 'app';

export interface ReportTotals {
  registrations: number;
  completions: number;
  passes: number;
  failures: number;
  passRate: number | null;
  averageScore: number | null;
  scored: number;
  secondsTracked: number;
  launches: number;
  scoreDistribution: { from: number; to: number; count: number }[];
}

export interface ReportDay {
  day: string;
  registrations: number;
  launches: number;
  completions: number;
  passes: number;
  failures: number;
  seconds: number;
}

export interface ReportRow extends Omit<ReportTotals, 'scoreDistribution'> {
  key: string;
  label: string;
}

export interface Report {
  dimension: string;
  key: string;
  from: string;
  to: string;
  totals: ReportTotals;
  series: ReportDay[];
  table?: ReportRow[];
  /** Keys left out of the table: it lists those with the most registrations (100 by default). */
  tableMore?: number;
}

export interface ReportQuery {
  report: ReportKind;
  key: string;
  from: string;
  to: string;
  table: string;
}

export const WEB_REPORTS = '/api/app/reportage';
export const REPORT_KINDS: ReportKind[] = ['overview', 'course', 'learner', 'invitation', 'destination', 'app'];
export const DEFAULT_QUERY: ReportQuery = { report: 'overview', key: '', from: '', to: '', table: 'course' };

/** The Reportage page's address of a report: ``/reportage?report=course&key=…&from=…&to=…&table=…``
 * (what the other pages' "Reportage" links open; the overview's default table is left out). */
export function reportageHref(query: Partial<ReportQuery>): string {
  const params = reportageParams({ ...DEFAULT_QUERY, ...query });
  const text = params.toString();
  return `/reportage${text ? `?${text}` : ''}`;
}

/** The search params naming a report on the Reportage page (see :func:`reportageHref`). */
export function reportageParams(query: ReportQuery): URLSearchParams {
  const params = new URLSearchParams();
  params.set('report', query.report);
  if (query.report !== 'overview' && query.key) params.set('key', query.key);
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  if (query.report === 'overview' && query.table && query.table !== DEFAULT_QUERY.table) params.set('table', query.table);
  return params;
}

/** The report the Reportage page's search params name; the overview when they name none. */
export function queryFromParams(params: URLSearchParams): ReportQuery {
  const report = params.get('report') as ReportKind | null;
  return {
    report: report && REPORT_KINDS.includes(report) ? report : 'overview',
    key: params.get('key') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    table: params.get('table') || DEFAULT_QUERY.table,
  };
}
export const LINK_REPORTS = '/api/app/reportage-link/reports';

export function reportPath(query: ReportQuery, csv = false, base = WEB_REPORTS): string {
  const params = new URLSearchParams();
  if (query.report !== 'overview') params.set('key', query.key);
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  if (query.report === 'overview' && query.table) params.set('table', query.table);
  if (csv) params.set('format', 'csv');
  return `${base}/${query.report}?${params.toString()}`;
}

export const reportageApi = {
  report: (query: ReportQuery, signal?: AbortSignal, base = WEB_REPORTS) =>
    api.get<Report>(reportPath(query, false, base), signal),
  linkSession: (signal?: AbortSignal) => api.get<LinkSession>('/api/app/reportage-link/session', signal),
};

/** The reports-only session a Reportage link opened: its realm and what it may open. */
export interface LinkSession {
  realm: { id: string; name: string };
  nav: 'NONAV' | 'DOWNONLY' | 'FREENAV';
  report: ReportKind;
  key: string;
}
