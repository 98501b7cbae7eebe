import { Anchor, Group, List, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { QueryTable } from '../../components/DataTable';
import { WEB_REPORTS } from './api';

/** One interaction of a course's question analysis (GET …/reportage/course/{courseId}/questions). */
export interface QuestionRow {
  id: string;
  activity: string;
  description: string;
  type: string;
  attempts: number;
  correct: number;
  wrong: number;
  correctRate: number | null;
  wrongAnswers: { response: string; count: number }[];
  otherWrong: number;
}

export interface QuestionReport {
  courseId: string;
  courseTitle?: string;
  from: string;
  to: string;
  questions: QuestionRow[];
}

/** ``{base}/course/{courseId}/questions``: the web session's reports (``/api/app/reportage``) or a
 * Reportage link's (``/api/app/reportage-link/reports``). */
export function questionsPath(courseId: string, from: string, to: string, csv = false, base = WEB_REPORTS): string {
  const params = new URLSearchParams();
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  if (csv) params.set('format', 'csv');
  const query = params.toString();
  return `${base}/course/${encodeURIComponent(courseId)}/questions${query ? `?${query}` : ''}`;
}

function percent(value: number | null): string {
  return value == null ? '–' : `${Math.round(value * 100)}%`;
}

function WrongAnswers({ row }: { row: QuestionRow }) {
  if (row.wrongAnswers.length === 0 && row.otherWrong === 0) return <>–</>;
  return (
    <List size="sm" listStyleType="none">
      {row.wrongAnswers.map((answer) => (
        <List.Item key={answer.response}>
          {answer.response === '' ? <i>(no response)</i> : answer.response} × {answer.count}
        </List.Item>
      ))}
      {row.otherWrong > 0 && <List.Item c="dimmed">other × {row.otherWrong}</List.Item>}
    </List>
  );
}

/** Question analysis of a course: per interaction, how many learners answered, the share who
 * answered correctly and the most common wrong answers, over the report's date range. */
export function QuestionAnalysis({ courseId, from, to, base = WEB_REPORTS }: { courseId: string; from: string; to: string; base?: string }) {
  const report = useQuery({
    queryKey: ['reportage', 'questions', base, courseId, from, to],
    queryFn: ({ signal }) => api.get<QuestionReport>(questionsPath(courseId, from, to, false, base), signal),
  });
  const rows = report.data?.questions;
  const activities = new Set((rows ?? []).map((q) => q.activity));
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="end">
        <Title order={3}>Question analysis</Title>
        <Anchor href={questionsPath(courseId, from, to, true, base)} download>
          Download question analysis CSV
        </Anchor>
      </Group>
      <QueryTable
        label="Question analysis"
        query={report}
        rows={rows}
        rowKey={(q) => `${q.activity}\n${q.id}`}
        empty="No answered questions in this date range."
        columns={[
          {
            header: 'Interaction',
            cell: (q) => (
              <>
                <Text size="sm">{q.id}</Text>
                {activities.size > 1 && (
                  <Text size="xs" c="dimmed">
                    {q.activity}
                  </Text>
                )}
              </>
            ),
          },
          { header: 'Description', cell: (q) => q.description || '–' },
          { header: 'Type', cell: (q) => q.type || '–' },
          { header: 'Attempts', cell: (q) => q.attempts },
          { header: '% correct', cell: (q) => percent(q.correctRate) },
          { header: 'Common wrong answers', cell: (q) => <WrongAnswers row={q} /> },
        ]}
      />
    </Stack>
  );
}
