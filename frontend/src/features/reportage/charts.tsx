import type { ReactNode } from 'react';
import { BarChart, DonutChart, type BarChartSeries } from '@mantine/charts';
import { Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import type { ReportDay, ReportTotals } from './api';

/** Counters the over-time chart knows, in the order drawn. A report's series carries some of them
 * (``launches`` once the aggregates count launches); the chart draws the ones it is given. */
export const OVER_TIME_SERIES: readonly BarChartSeries[] = [
  { name: 'registrations', label: 'Registrations', color: 'blue.4' },
  { name: 'launches', label: 'Launches', color: 'grape.5' },
  { name: 'completions', label: 'Completions', color: 'teal.7' },
];

/** The series of ``OVER_TIME_SERIES`` present in the rows (numbers in the first row). */
export function seriesIn(rows: readonly Record<string, unknown>[]): BarChartSeries[] {
  const first = rows[0] ?? {};
  return OVER_TIME_SERIES.filter((s) => typeof first[s.name] === 'number');
}

function sentence(names: string[]): string {
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** A chart with its title, an accessible name and its numbers as a table (for screen readers;
 * sighted users read them from the tooltip). */
function Figure({ title, numbers, children }: { title: string; numbers: ReactNode; children: ReactNode }) {
  return (
    <Stack gap={4} component="figure" m={0}>
      <Text fw={600} size="sm" component="figcaption">
        {title}
      </Text>
      <div role="img" aria-label={title}>
        {children}
      </div>
      <VisuallyHidden>{numbers}</VisuallyHidden>
    </Stack>
  );
}

function NumbersTable({ label, head, rows }: { label: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <Table aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          {head.map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={String(row[0])}>
            {row.map((cell, n) => (
              <Table.Td key={n}>{cell}</Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Registrations, launches (if counted) and completions per day, as grouped bars (daily counts). */
export function SeriesChart({ series }: { series: ReportDay[] }) {
  const shown = seriesIn(series as unknown as Record<string, unknown>[]);
  const named = sentence(shown.map((s) => s.name));
  const title = `${named.charAt(0).toUpperCase()}${named.slice(1)} per day`;
  const rows = series as unknown as Record<string, number | string>[];
  return (
    <Figure
      title={title}
      numbers={
        <NumbersTable
          label={`${title} (numbers)`}
          head={['Day', ...shown.map((s) => s.label ?? s.name)]}
          rows={rows.map((d) => [d.day ?? '', ...shown.map((s) => d[s.name] ?? 0)])}
        />
      }
    >
      <BarChart
        h={240}
        data={series}
        dataKey="day"
        series={shown}
        withLegend
        legendProps={{ verticalAlign: 'top', height: 32 }}
        tickLine="y"
        barProps={{ radius: [2, 2, 0, 0] }}
        xAxisProps={{ minTickGap: 24 }}
        yAxisProps={{ allowDecimals: false }}
      />
    </Figure>
  );
}

/** How many scored registrations fell in each tenth of the score range. */
export function ScoreChart({ totals }: { totals: ReportTotals }) {
  const data = totals.scoreDistribution.map((b) => ({ score: `${b.from}–${b.to}`, registrations: b.count }));
  return (
    <Figure
      title="Score distribution"
      numbers={
        <NumbersTable label="Score distribution (numbers)" head={['Score', 'Registrations']} rows={data.map((d) => [d.score, d.registrations])} />
      }
    >
      <BarChart
        h={200}
        data={data}
        dataKey="score"
        series={[{ name: 'registrations', label: 'Registrations', color: 'teal.6' }]}
        yAxisProps={{ allowDecimals: false }}
      />
    </Figure>
  );
}

/** Passed vs failed among the registrations with a success status. */
export function PassRateChart({ totals }: { totals: ReportTotals }) {
  const decided = totals.passes + totals.failures;
  const rate = totals.passRate == null ? '–' : `${Math.round(totals.passRate * 100)}%`;
  return (
    <Figure
      title="Pass rate"
      numbers={
        <NumbersTable
          label="Pass rate (numbers)"
          head={['Result', 'Registrations']}
          rows={[
            ['Passed', totals.passes],
            ['Failed', totals.failures],
            ['Pass rate', rate],
          ]}
        />
      }
    >
      <Group gap="md" wrap="nowrap">
        <DonutChart
          size={140}
          thickness={22}
          chartLabel={rate}
          data={
            decided
              ? [
                  { name: 'Passed', value: totals.passes, color: 'teal.6' },
                  { name: 'Failed', value: totals.failures, color: 'red.6' },
                ]
              : [{ name: 'No result yet', value: 1, color: 'gray.3' }]
          }
        />
        <Text size="sm" c="dimmed">
          {totals.passes} passed · {totals.failures} failed
        </Text>
      </Group>
    </Figure>
  );
}

/** Registrations per calendar month (the Apps page's 13-month overview). */
export function MonthlyChart({ months, title }: { months: { month: string; registrations: number }[]; title: string }) {
  return (
    <Figure
      title={title}
      numbers={<NumbersTable label={`${title} (numbers)`} head={['Month', 'Registrations']} rows={months.map((m) => [m.month, m.registrations])} />}
    >
      <BarChart
        h={220}
        data={months}
        dataKey="month"
        series={[{ name: 'registrations', label: 'Registrations', color: 'blue.6' }]}
        yAxisProps={{ allowDecimals: false }}
      />
    </Figure>
  );
}
