import { useState } from 'react';
import { Anchor, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { DataTable, QueryState } from '../../components/DataTable';
import { reportPath, reportageApi, type ReportKind, type ReportQuery, type ReportRow } from './api';
import { ScoreChart, SeriesChart } from './charts';

const KINDS: { value: ReportKind; label: string }[] = [
  { value: 'overview', label: 'Overview (full report)' },
  { value: 'course', label: 'Course' },
  { value: 'learner', label: 'Learner' },
  { value: 'invitation', label: 'Invitation' },
  { value: 'destination', label: 'Destination' },
];
const TABLE_REPORT: Record<string, ReportKind> = { course: 'course', learner: 'learner', invitation: 'invitation', destination: 'destination' };

function percent(value: number | null): string {
  return value == null ? '–' : `${Math.round(value * 100)}%`;
}

/** Reportage: what learners did over a date range (the last 90 days unless chosen), by course,
 * learner, invitation or destination, with charts, a drill-down table and CSV export. */
export default function ReportagePage() {
  const [query, setQuery] = useState<ReportQuery>({ report: 'overview', key: '', from: '', to: '', table: 'course' });
  const ready = query.report === 'overview' || query.key !== '';
  const report = useQuery({
    queryKey: ['reportage', query],
    queryFn: ({ signal }) => reportageApi.report(query, signal),
    enabled: ready,
  });
  const set = (change: Partial<ReportQuery>) => setQuery((q) => ({ ...q, ...change }));
  const data = report.data;
  const drill = (row: ReportRow) => set({ report: TABLE_REPORT[query.table] ?? 'course', key: row.key });
  return (
    <SectionPage title="Reportage" summary="Registrations, completions, pass rate and scores over time, by course, learner, invitation and destination.">
      <Group align="end">
        <NativeSelect label="Report" data={KINDS} value={query.report} onChange={(e) => set({ report: e.currentTarget.value as ReportKind })} />
        {query.report !== 'overview' && (
          <TextInput label={`${KINDS.find((k) => k.value === query.report)?.label ?? ''} id`} value={query.key} onChange={(e) => set({ key: e.currentTarget.value })} />
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
        <TextInput label="From" type="date" value={query.from} onChange={(e) => set({ from: e.currentTarget.value })} />
        <TextInput label="To" type="date" value={query.to} onChange={(e) => set({ to: e.currentTarget.value })} />
        {ready && (
          <Anchor href={reportPath(query, true)} download>
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
          <SimpleGrid cols={{ base: 2, sm: 5 }} aria-label="Totals">
            <Text>
              <b>{data.totals.registrations}</b> registrations
            </Text>
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
          <Title order={3}>Score distribution</Title>
          <ScoreChart totals={data.totals} />
          {query.report === 'course' && (
            <Anchor component={Link} to={`/registrations?courseId=${encodeURIComponent(query.key)}`}>
              This course's registrations →
            </Anchor>
          )}
          {data.table && (
            <DataTable
              label="Report table"
              rows={data.table}
              rowKey={(r) => r.key}
              empty="Nothing in this date range."
              columns={[
                {
                  header: 'Name',
                  cell: (r) => (
                    <Anchor component="button" type="button" onClick={() => drill(r)}>
                      {r.label || r.key}
                    </Anchor>
                  ),
                },
                { header: 'Registrations', cell: (r) => r.registrations },
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
    </SectionPage>
  );
}
