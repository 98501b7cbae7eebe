import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  List,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { CourseInvitations } from '../invitations/CourseInvitations';
import { ShareMenu } from '../invitations/ShareMenu';
import { STANDARD_NAMES, formatBytes, libraryApi, type Activity } from './api';
import { reportageHref } from '../reportage/api';
import { SettingsTable } from '../../components/SettingsTable';

function ActivityTree({ activity }: { activity: Activity }) {
  return (
    <List.Item>
      <Text span fw={activity.children.length > 0 ? 600 : 400}>
        {activity.title}
      </Text>{' '}
      <Badge size="xs" variant="outline">
        {activity.activityType}
      </Badge>
      {activity.href && (
        <Text span size="xs" c="dimmed">
          {' '}
          {activity.href}
        </Text>
      )}
      {activity.children.length > 0 && (
        <List withPadding size="sm">
          {activity.children.map((child) => (
            <ActivityTree key={child.itemIdentifier} activity={child} />
          ))}
        </List>
      )}
    </List.Item>
  );
}

export default function CoursePage() {
  const { courseId = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const course = useQuery({
    queryKey: ['course', courseId],
    queryFn: ({ signal }) => libraryApi.course(courseId, signal),
  });
  const remove = useMutation({
    mutationFn: () => libraryApi.remove(courseId),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['library'] });
      void navigate('/library');
    },
  });
  const data = course.data;
  const latest = data?.versions.find((v) => v.version === data.version);
  return (
    <SectionPage title={data?.title ?? 'Course'} summary="Structure, versions and import warnings.">
      <Anchor component={Link} to="/library">
        ← Library
      </Anchor>
      {course.isError && <Alert color="red">{course.error.message}</Alert>}
      {data && (
        <Stack>
          <Group>
            <Badge>{STANDARD_NAMES[data.courseLearningStandard] ?? data.courseLearningStandard}</Badge>
            <Text size="sm">
              Course ID <Code>{data.id}</Code> · version {data.version}
            </Text>
          </Group>
          {data.metadata?.description && <Text>{data.metadata.description}</Text>}
          <Title order={3}>Structure</Title>
          {data.rootActivity && (
            <List aria-label="Course structure">
              <ActivityTree activity={data.rootActivity} />
            </List>
          )}
          <Title order={3}>Import warnings</Title>
          {latest && latest.warnings.length > 0 ? (
            <List size="sm" aria-label="Import warnings">
              {latest.warnings.map((warning) => (
                <List.Item key={warning}>{warning}</List.Item>
              ))}
            </List>
          ) : (
            <Text size="sm">None: the package was read as it is.</Text>
          )}
          <Title order={3}>Versions</Title>
          <Table aria-label="Versions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Version</Table.Th>
                <Table.Th>Imported</Table.Th>
                <Table.Th>Standard</Table.Th>
                <Table.Th>Files</Table.Th>
                <Table.Th>Size</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.versions.map((v) => (
                <Table.Tr key={v.version}>
                  <Table.Td>{v.version}</Table.Td>
                  <Table.Td>{new Date(v.created).toLocaleString()}</Table.Td>
                  <Table.Td>{STANDARD_NAMES[v.standard] ?? v.standard}</Table.Td>
                  <Table.Td>{v.fileCount}</Table.Td>
                  <Table.Td>{formatBytes(v.sizeBytes)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <SettingsTable
            path={`/api/app/courses/${encodeURIComponent(data.id)}/configuration`}
            level="course"
            description="How this course is delivered. Registrations inherit these unless they set their own (docs/settings.md)."
          />
          <Group>
            <Button component="a" href={data.previewLink} target="_blank" rel="noreferrer">
              Launch in sandbox
            </Button>
            <Button component={Link} to={`/registrations?courseId=${encodeURIComponent(data.id)}`} variant="light">
              Registrations
            </Button>
            <Button component={Link} to={reportageHref({ report: 'course', key: data.id })} variant="light">
              Course report
            </Button>
            <ShareMenu courseId={data.id} courseTitle={data.title} />
            <Button
              color="red"
              variant="outline"
              loading={remove.isPending}
              onClick={() => {
                if (window.confirm(`Delete ${data.title} and every version of it?`)) remove.mutate();
              }}
            >
              Delete course
            </Button>
          </Group>
          {remove.isError && <Alert color="red">{remove.error.message}</Alert>}
          <CourseInvitations courseId={data.id} />
        </Stack>
      )}
    </SectionPage>
  );
}
