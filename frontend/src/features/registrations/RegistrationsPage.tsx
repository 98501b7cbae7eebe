import { Anchor, Badge, Button, Group } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { QueryTable, type Column } from '../../components/DataTable';
import { learnerName, registrationsApi, type Registration } from './api';
import { reportageHref } from '../reportage/api';

const COLUMNS: Column<Registration>[] = [
  {
    header: 'Registration',
    cell: (r) => (
      <Anchor component={Link} to={`/registrations/${encodeURIComponent(r.id)}`}>
        {r.id}
      </Anchor>
    ),
  },
  {
    header: 'Learner',
    cell: (r) => (
      <Anchor component={Link} to={reportageHref({ report: 'learner', key: r.learner.id })} title="Learner report">
        {learnerName(r.learner)}
      </Anchor>
    ),
  },
  { header: 'Course', cell: (r) => r.course.title || r.course.id },
  { header: 'Completion', cell: (r) => <Badge variant="light">{r.registrationCompletion}</Badge> },
  { header: 'Success', cell: (r) => <Badge variant="light">{r.registrationSuccess}</Badge> },
  { header: 'Score', cell: (r) => (r.score ? `${r.score.scaled}%` : '–') },
  { header: 'Updated', cell: (r) => new Date(r.updated).toLocaleString() },
];

/** Every registration of the realm (or of one course: ?courseId=; of one dispatch destination:
 * ?destinationId=), newest activity first. */
export default function RegistrationsPage() {
  const [params] = useSearchParams();
  const courseId = params.get('courseId');
  const destinationId = params.get('destinationId');
  const query = useQuery({
    queryKey: ['registrations', courseId, destinationId],
    queryFn: ({ signal }) => registrationsApi.list(courseId, signal, destinationId),
  });
  const summary = destinationId
    ? `Learners who came through dispatch destination ${destinationId}.`
    : courseId
      ? `Learners enrolled in course ${courseId}.`
      : 'Every learner enrolment and its results.';
  // The Reportage report of what is listed: the destination's, the course's, else the overview.
  const full = destinationId
    ? reportageHref({ report: 'destination', key: destinationId })
    : courseId
      ? reportageHref({ report: 'course', key: courseId })
      : reportageHref({ report: 'overview' });
  return (
    <SectionPage title="Registrations" summary={summary}>
      <Group>
        <Button component={Link} to={full} variant="light">
          Full Report
        </Button>
      </Group>
      <QueryTable
        label="Registrations"
        query={query}
        rows={query.data?.registrations}
        rowKey={(r) => r.id}
        columns={COLUMNS}
        empty="No registrations yet."
      />
    </SectionPage>
  );
}
