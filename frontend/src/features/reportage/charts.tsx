import { Stack, Text } from '@mantine/core';
import type { ReportDay, ReportTotals } from './api';

const HEIGHT = 120;

/** Registrations (light) and completions (dark) per day, as bars. */
export function SeriesChart({ series }: { series: ReportDay[] }) {
  const peak = Math.max(1, ...series.map((d) => d.registrations), ...series.map((d) => d.completions));
  const step = 6;
  return (
    <Stack gap={2}>
      <svg role="img" aria-label="Registrations and completions per day" width={series.length * step} height={HEIGHT}>
        {series.map((d, n) => (
          <g key={d.day}>
            <title>{`${d.day}: ${d.registrations} registrations, ${d.completions} completions`}</title>
            <rect x={n * step} y={HEIGHT - (HEIGHT * d.registrations) / peak} width={step - 1} height={(HEIGHT * d.registrations) / peak} fill="var(--mantine-color-blue-3)" />
            <rect x={n * step} y={HEIGHT - (HEIGHT * d.completions) / peak} width={step - 1} height={(HEIGHT * d.completions) / peak} fill="var(--mantine-color-blue-8)" />
          </g>
        ))}
      </svg>
      <Text size="xs" c="dimmed">
        {series[0]?.day} – {series[series.length - 1]?.day} · light: registrations, dark: completions
      </Text>
    </Stack>
  );
}

/** How many registrations scored in each tenth. */
export function ScoreChart({ totals }: { totals: ReportTotals }) {
  const peak = Math.max(1, ...totals.scoreDistribution.map((b) => b.count));
  return (
    <svg role="img" aria-label="Score distribution" width={10 * 32} height={HEIGHT + 16}>
      {totals.scoreDistribution.map((b, n) => (
        <g key={b.from}>
          <title>{`${b.from}–${b.to}: ${b.count}`}</title>
          <rect x={n * 32} y={HEIGHT - (HEIGHT * b.count) / peak} width={28} height={(HEIGHT * b.count) / peak} fill="var(--mantine-color-teal-6)" />
          <text x={n * 32 + 2} y={HEIGHT + 12} fontSize="10">
            {b.from}
          </text>
        </g>
      ))}
    </svg>
  );
}
