import { useEffect, useRef, useState } from 'react';
import { Anchor, Button, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { DataTable, QueryState } from '../../components/DataTable';
import { DEFAULT_QUERY, WEB_REPORTS, reportPath, reportageApi, type ReportKind, type ReportQuery, type ReportRow } from './api';
import { PassRateChart, ScoreChart, SeriesChart } from './charts';
import { QuestionAnalysis } from './QuestionAnalysis';

const KINDS: { value: ReportKind; label: string }[] = [
  { value: 'overview', label: 'Overview (full report)' },
  { value: 'course', label: 'Course' },
  { value: 'learner', label: 'Learner' },
  { value: 'invitation', label: 'Invitation' },
  { value: 'destination', label: 'Destination' },
  { value: 'app', label: 'App' },
];
const TABLE_REPORT: Record<string, ReportKind> = { course: 'course', learner: 'learner', invitation: 'invitation', destination: 'destination' };

function percent(value: number | null): string {
  return value == null ? '–' : `${Math.round(value * 100)}%`;
}

export interface ReportViewProps {
  /** Where the reports are read: the web session's routes, or a Reportage link's. */
  base?: string;
  initial?: Partial<ReportQuery>;
  /** May the report type and id be changed (false: a link that opens one report only)? */
  canChoose?: boolean;
  /** May the table's rows open their own report? */
  canDrill?: boolean;
  /** Links into the rest of the web app (registrations); a Reportage link session has none. */
  withAppLinks?: boolean;
  /** The report shown, when the page keeps it (the Reportage page: in its URL); else ``initial``. */
  value?: ReportQuery;
  /** Told of every change of the report shown; ``replace``: an edit in a text field (no new
   * history entry), else a new report (report type, table, drill-down). */
  onChange?: (next: ReportQuery, replace: boolean) => void;
}

function same(query: ReportQuery): string {
  return [query.report, query.key, query.from, query.to, query.table].join('\n');
}

/** One Reportage report: its choices, totals, charts, table with drill-down and CSV link. */
export function ReportView({ base = WEB_REPORTS, initial, canChoose = true, canDrill = true, withAppLinks = true, value, onChange }: ReportViewProps) {
  const [query, setQuery] = useState<ReportQuery>(() => value ?? { ...DEFAULT_QUERY, ...initial });
  // The fields answer at once; the page's copy (its URL) follows later. A value coming back from
  // the page that this view sent is not news; any other (the back button, a link) is shown.
  const sent = useRef<string[]>([]);
  const incoming = value ? same(value) : null;
  useEffect(() => {
    if (!value || incoming === null) return;
    const at = sent.current.indexOf(incoming);
    if (at >= 0) {
      sent.current = sent.current.slice(at + 1);
      return;
    }
    sent.current = [];
    setQuery(value);
    // `incoming` names `value`'s content: the effect runs when the page shows another report
  }, [incoming]);
  const ready = query.report === 'overview' || query.key !== '';
  const report = useQuery({
    queryKey: ['reportage', base, query],
    queryFn: ({ signal }) => reportageApi.report(query, signal, base),
    enabled: ready,
  });
  const set = (change: Partial<ReportQuery>, replace = false) => {
    const next = { ...query, ...change };
    setQuery(next);
    if (onChange) {
      sent.current.push(same(next));
      onChange(next, replace);
    }
  };
  const data = report.data;
  const drill = (row: ReportRow) => set({ report: TABLE_REPORT[query.table] ?? 'course', key: row.key });
  return (
    <Stack>
      <Group align="end">
        {canChoose && (
          <NativeSelect label="Report" data={KINDS} value={query.report} onChange={(e) => set({ report: e.currentTarget.value as ReportKind })} />
        )}
        {canChoose && query.report !== 'overview' && (
          <TextInput label={`${KINDS.find((k) => k.value === query.report)?.label ?? ''} id`} value={query.key} onChange={(e) => set({ key: e.currentTarget.value }, true)} />
        )}
        {!canChoose && (
          <Text fw={600}>
            {KINDS.find((k) => k.value === query.report)?.label ?? query.report} {query.key}
          </Text>
        )}
        {!canChoose && initial?.report && (query.report !== initial.report || query.key !== (initial.key ?? '')) && (
          <Button variant="default" size="xs" onClick={() => set({ report: initial.report, key: initial.key ?? '' })}>
            ← Back to {KINDS.find((k) => k.value === initial.report)?.label ?? initial.report}
          </Button>
        )}
        {query.report === 'overview' && (
          <NativeSelect
            label="Table"
            data={[
              { value: 'course', label: 'Courses' },
              { value: 'learner', label: 'Learners' },
              { value: 'invitation', label: 'Invitations' },
              { value: 'destination', label: 'Destinations' },
            ]}
            value={query.table}
            onChange={(e) => set({ table: e.currentTarget.value })}
          />
        )}
        <TextInput label="From" type="date" value={query.from} onChange={(e) => set({ from: e.currentTarget.value }, true)} />
        <TextInput label="To" type="date" value={query.to} onChange={(e) => set({ to: e.currentTarget.value }, true)} />
        {ready && (
          <Anchor href={reportPath(query, true, base)} download>
            Download CSV
          </Anchor>
        )}
      </Group>
      {!ready && <Text size="sm">Enter the id to report on.</Text>}
      {ready && !data && <QueryState query={report} what="report" />}
      {data && (
        <Stack>
          <Text size="sm">
            {data.from} – {data.to}
          </Text>
          <SimpleGrid cols={{ base: 2, sm: data.totals.launches != null ? 6 : 5 }} aria-label="Totals">
            <Text>
              <b>{data.totals.registrations}</b> registrations
            </Text>
            {data.totals.launches != null && (
              <Text>
                <b>{data.totals.launches}</b> launches
              </Text>
            )}
            <Text>
              <b>{data.totals.completions}</b> completions
            </Text>
            <Text>
              pass rate <b>{percent(data.totals.passRate)}</b>
            </Text>
            <Text>
              average score <b>{data.totals.averageScore ?? '–'}</b>
            </Text>
            <Text>
              <b>{Math.round(data.totals.secondsTracked / 60)}</b> minutes tracked
            </Text>
          </SimpleGrid>
          <Title order={3}>Over time</Title>
          <SeriesChart series={data.series} />
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <ScoreChart totals={data.totals} />
            <PassRateChart totals={data.totals} />
          </SimpleGrid>
          {withAppLinks && query.report === 'course' && (
            <Anchor component={Link} to={`/registrations?courseId=${encodeURIComponent(query.key)}`}>
              This course's registrations →
            </Anchor>
          )}
          {query.report === 'course' && <QuestionAnalysis courseId={query.key} from={query.from} to={query.to} base={base} />}
          {data.table && (
            <DataTable
              label="Report table"
              rows={data.table}
              rowKey={(r) => r.key}
              empty="Nothing in this date range."
              columns={[
                {
                  header: 'Name',
                  cell: (r) =>
                    canDrill ? (
                      <Anchor component="button" type="button" onClick={() => drill(r)}>
                        {r.label || r.key}
                      </Anchor>
                    ) : (
                      r.label || r.key
                    ),
                },
                { header: 'Registrations', cell: (r) => r.registrations },
                ...(data.table.some((r) => r.launches != null) ? [{ header: 'Launches', cell: (r: ReportRow) => r.launches ?? 0 }] : []),
                { header: 'Completions', cell: (r) => r.completions },
                { header: 'Pass rate', cell: (r) => percent(r.passRate) },
                { header: 'Average score', cell: (r) => r.averageScore ?? '–' },
              ]}
            />
          )}
          {!!data.tableMore && (
            <Text size="sm" c="dimmed">
              {data.tableMore} more not shown: the table lists those with the most registrations.
            </Text>
          )}
        </Stack>
      )}
    </Stack>
  );
}
