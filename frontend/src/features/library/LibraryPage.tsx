import { useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  FileInput,
  Group,
  List,
  Progress,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { QueryTable, type Column } from '../../components/DataTable';
import { reportColumn } from '../reportage/reportColumn';
import { STANDARD_NAMES, formatBytes, libraryApi, uploadCourse, type Course } from './api';

function ImportStatus({ jobId, courseId }: { jobId: string; courseId: string }) {
  const queryClient = useQueryClient();
  const job = useQuery({
    queryKey: ['import-job', jobId],
    queryFn: ({ signal }) => libraryApi.job(jobId, signal),
    refetchInterval: (query) => (query.state.data?.status === 'RUNNING' ? 1000 : false),
  });
  const status = job.data?.status ?? 'RUNNING';
  if (status !== 'RUNNING') void queryClient.invalidateQueries({ queryKey: ['library'] });
  const warnings = job.data?.importResult?.parserWarnings ?? [];
  return (
    <Alert
      color={status === 'ERROR' ? 'red' : status === 'COMPLETE' ? 'green' : 'blue'}
      title={`Import ${status.toLowerCase()}`}
      aria-label="Import status"
    >
      {status === 'RUNNING' && <Text>Reading and unpacking the package…</Text>}
      {status === 'ERROR' && <Text>{job.data?.message}</Text>}
      {status === 'COMPLETE' && (
        <Anchor component={Link} to={`/library/${encodeURIComponent(courseId)}`}>
          Open {job.data?.importResult?.course.title ?? courseId}
        </Anchor>
      )}
      {warnings.length > 0 && (
        <List size="sm" mt="xs">
          {warnings.map((warning) => (
            <List.Item key={warning}>{warning}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

function AddContent() {
  const [file, setFile] = useState<File | null>(null);
  const [courseId, setCourseId] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [started, setStarted] = useState<{ jobId: string; courseId: string } | null>(null);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setStarted(null);
    setProgress(0);
    uploadCourse(file, courseId, setProgress)
      .then((job) => setStarted(job))
      .catch((err: Error) => setError(err.message))
      .finally(() => setProgress(null));
  };
  return (
    <Stack gap="xs">
      <Title order={3}>Add Content</Title>
      <Text size="sm" c="dimmed">
        A SCORM 1.2 / 2004, AICC, xAPI or cmi5 package (.zip), a cmi5.xml, or a PDF, MP4 or MP3.
      </Text>
      <form onSubmit={submit} aria-label="Add Content">
        <Group align="end">
          <FileInput label="Package" placeholder="Choose a file" value={file} onChange={setFile} clearable />
          <TextInput
            label="Course ID (optional)"
            value={courseId}
            onChange={(e) => setCourseId(e.currentTarget.value)}
          />
          <Button type="submit" disabled={!file} loading={progress !== null}>
            Upload
          </Button>
        </Group>
      </form>
      {progress !== null && (
        <Progress value={Math.round(progress * 100)} aria-label="Upload progress" animated />
      )}
      {error && <Alert color="red">{error}</Alert>}
      {started && <ImportStatus jobId={started.jobId} courseId={started.courseId} />}
    </Stack>
  );
}

const COLUMNS: Column<Course>[] = [
  {
    header: 'Title',
    cell: (course) => (
      <Anchor component={Link} to={`/library/${encodeURIComponent(course.id)}`}>
        {course.title}
      </Anchor>
    ),
  },
  { header: 'Course ID', cell: (course) => <Code>{course.id}</Code> },
  {
    header: 'Standard',
    cell: (course) => (
      <Badge variant="light">
        {STANDARD_NAMES[course.courseLearningStandard] ?? course.courseLearningStandard}
      </Badge>
    ),
  },
  { header: 'Version', cell: (course) => course.version },
  { header: 'Updated', cell: (course) => new Date(course.updated).toLocaleString() },
  reportColumn<Course>('course', (course) => course.id, (course) => `Reportage of ${course.title}`),
];

export default function LibraryPage() {
  const library = useQuery({ queryKey: ['library'], queryFn: ({ signal }) => libraryApi.list(signal) });
  return (
    <SectionPage title="Library" summary="Courses you import appear here.">
      <AddContent />
      {library.data && (
        <Text size="sm" c="dimmed">
          {library.data.total} courses · {formatBytes(library.data.storage.bytesExpanded)} stored
        </Text>
      )}
      <QueryTable
        label="Courses"
        query={library}
        rows={library.data?.courses}
        rowKey={(course) => course.id}
        columns={COLUMNS}
        empty="No courses yet: add one above."
      />
    </SectionPage>
  );
}
