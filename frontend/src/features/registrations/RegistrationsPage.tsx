import { Alert, Anchor, Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { learnerName, registrationsApi } from './api';

/** Every registration of the realm (or of one course: ?courseId=), newest activity first. */
export default function RegistrationsPage() {
  const [params] = useSearchParams();
  const courseId = params.get('courseId');
  const query = useQuery({
    queryKey: ['registrations', courseId],
    queryFn: ({ signal }) => registrationsApi.list(courseId, signal),
  });
  const rows = query.data?.registrations ?? [];
  return (
    <SectionPage
      title="Registrations"
      summary={courseId ? `Learners enrolled in course ${courseId}.` : 'Every learner enrolment and its results.'}
    >
      {query.isError && <Alert color="red">{query.error.message}</Alert>}
      {query.isSuccess && rows.length === 0 && <Text>No registrations yet.</Text>}
      {rows.length > 0 && (
        <Table aria-label="Registrations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Registration</Table.Th>
              <Table.Th>Learner</Table.Th>
              <Table.Th>Course</Table.Th>
              <Table.Th>Completion</Table.Th>
              <Table.Th>Success</Table.Th>
              <Table.Th>Score</Table.Th>
              <Table.Th>Updated</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/registrations/${encodeURIComponent(r.id)}`}>
                    {r.id}
                  </Anchor>
                </Table.Td>
                <Table.Td>{learnerName(r.learner)}</Table.Td>
                <Table.Td>{r.course.title || r.course.id}</Table.Td>
                <Table.Td>
                  <Badge variant="light">{r.registrationCompletion}</Badge>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light">{r.registrationSuccess}</Badge>
                </Table.Td>
                <Table.Td>{r.score ? `${r.score.scaled}%` : '–'}</Table.Td>
                <Table.Td>{new Date(r.updated).toLocaleString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </SectionPage>
  );
}
