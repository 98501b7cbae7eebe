import { Alert, Button, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { SectionPage } from '../../app/SectionPage';
import { SignInSettings } from '../settings/SignInSettings';

interface MyRegistration {
  id: string;
  course: { id: string; title: string };
  registrationCompletion?: string;
  registrationSuccess?: string;
}

/** Where the browser goes to play a course (replaced in tests). */
export const navigateTo = { assign: (url: string) => window.location.assign(url) };

/** A learner's page: the courses assigned to them, and their own sign-in settings. */
export default function LearnerPage() {
  const query = useQuery({
    queryKey: ['my-registrations'],
    queryFn: ({ signal }) =>
      api.get<{ registrations: MyRegistration[] }>('/api/me/registrations', signal),
  });
  const registrations = query.data?.registrations ?? [];
  const launch = useMutation({
    mutationFn: (id: string) =>
      api.post<{ launchLink: string }>(`/api/me/registrations/${encodeURIComponent(id)}/launch`),
    onSuccess: (answer) => navigateTo.assign(answer.launchLink),
  });
  return (
    <SectionPage title="My learning" summary="Courses assigned to you.">
      {query.isError && <Alert color="red">{query.error.message}</Alert>}
      {launch.isError && <Alert color="red">{launch.error.message}</Alert>}
      {query.isSuccess && registrations.length === 0 && (
        <Text>No courses are assigned to you yet.</Text>
      )}
      {registrations.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Course</Table.Th>
              <Table.Th>Progress</Table.Th>
              <Table.Th>Result</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {registrations.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{r.course.title || r.course.id}</Table.Td>
                <Table.Td>{r.registrationCompletion ?? 'UNKNOWN'}</Table.Td>
                <Table.Td>{r.registrationSuccess ?? 'UNKNOWN'}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    aria-label={`Launch ${r.course.title || r.course.id}`}
                    loading={launch.isPending && launch.variables === r.id}
                    onClick={() => launch.mutate(r.id)}
                  >
                    {r.registrationCompletion === 'COMPLETED' ? 'Review' : 'Launch'}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Stack gap="xs" mt="lg">
        <Title order={2} size="h3">
          Your sign-in
        </Title>
        <SignInSettings />
      </Stack>
    </SectionPage>
  );
}
