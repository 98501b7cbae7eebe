/** The Reportage section's calls: /api/app/reportage/{report} (web session). */
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
  scoreDistribution: { from: number; to: number; count: number }[];
}

export interface ReportDay {
  day: string;
  registrations: number;
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

export function reportPath(query: ReportQuery, csv = false): string {
  const params = new URLSearchParams();
  if (query.report !== 'overview') params.set('key', query.key);
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  if (query.report === 'overview' && query.table) params.set('table', query.table);
  if (csv) params.set('format', 'csv');
  return `/api/app/reportage/${query.report}?${params.toString()}`;
}

export const reportageApi = {
  report: (query: ReportQuery, signal?: AbortSignal) => api.get<Report>(reportPath(query), signal),
};
