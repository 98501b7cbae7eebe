import { useMemo, useState } from 'react';
import { Anchor, Group, SegmentedControl, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { InvitationTable } from './InvitationTable';
import { invitationsApi, type InvitationFilters } from './api';

/** Every invitation of the realm, with filters (kind, course, id or title, tag). */
export default function InvitationsPage() {
  const [kind, setKind] = useState<NonNullable<InvitationFilters['kind']>>('all');
  const [courseId, setCourseId] = useState('');
  const [filter, setFilter] = useState('');
  const [tags, setTags] = useState('');
  const [filters] = useDebouncedValue(useMemo(() => ({ kind, courseId, filter, tags }), [kind, courseId, filter, tags]), 250);
  const query = useQuery({
    queryKey: ['invitations', filters],
    queryFn: ({ signal }) =>
      invitationsApi.list({ ...filters, filterBy: filters.filter ? 'course_title' : undefined }, signal),
  });
  return (
    <SectionPage
      title="Invitations"
      summary="Links that let people without an account register for a course: public links and personal emails. Create them from a course's Share menu."
    >
      <Group align="flex-end">
        <SegmentedControl
          aria-label="Kind"
          value={kind}
          onChange={(value) => setKind(value as typeof kind)}
          data={[
            { label: 'All', value: 'all' },
            { label: 'Public', value: 'public' },
            { label: 'Private', value: 'private' },
          ]}
        />
        <TextInput label="Course ID" value={courseId} onChange={(event) => setCourseId(event.currentTarget.value)} />
        <TextInput label="Course title" value={filter} onChange={(event) => setFilter(event.currentTarget.value)} />
        <TextInput label="Tag" value={tags} onChange={(event) => setTags(event.currentTarget.value)} />
        <Anchor component={Link} to="/invitations/outbox">
          Outbox
        </Anchor>
      </Group>
      <InvitationTable query={query} rows={query.data?.invitations} />
    </SectionPage>
  );
}
