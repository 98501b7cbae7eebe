import { Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { InvitationTable } from './InvitationTable';
import { invitationsApi } from './api';

/** The course page's list of its invitations. */
export function CourseInvitations({ courseId }: { courseId: string }) {
  const query = useQuery({
    queryKey: ['invitations', { courseId }],
    queryFn: ({ signal }) => invitationsApi.list({ courseId }, signal),
  });
  return (
    <>
      <Title order={3}>Invitations</Title>
      <InvitationTable query={query} rows={query.data?.invitations} empty="No invitations to this course yet." />
    </>
  );
}
