import { Alert, Anchor, Badge, Button, Code, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { SettingsTable } from '../../components/SettingsTable';
import { SectionPage } from '../../app/SectionPage';
import { PostbackLog } from './PostbackLog';
import { learnerName, registrationsApi, type ActivityResult, type Runtime } from './api';
import { reportageHref } from '../reportage/api';

/** cmi5 (§9.3.7): an administrator waives an AU the learner met by other means. */
function WaiveButton({ registrationId, auId }: { registrationId: string; auId: string }) {
  const client = useQueryClient();
  const waive = useMutation({
    mutationFn: () => registrationsApi.waive(registrationId, auId),
    onSuccess: () => client.invalidateQueries({ queryKey: ['registration', registrationId] }),
  });
  return (
    <>
      {' '}
      <Button size="compact-xs" variant="light" loading={waive.isPending} onClick={() => waive.mutate()}>
        Waive
      </Button>
      {waive.isError && (
        <Text span size="xs" c="red">
          {` ${waive.error.message}`}
        </Text>
      )}
    </>
  );
}

function ActivityRow({ activity, waive }: { activity: ActivityResult; waive?: string }) {
  const leaf = !activity.children || activity.children.length === 0;
  return (
    <List.Item>
      <Text span fw={activity.children && activity.children.length > 0 ? 600 : 400}>
        {activity.title || activity.id}
      </Text>{' '}
      <Badge size="xs" variant="light">
        {activity.activityCompletion}
      </Badge>{' '}
      <Badge size="xs" variant="light">
        {activity.activitySuccess}
      </Badge>
      {activity.score && <Text span size="sm">{` ${activity.score.scaled}%`}</Text>}
      <Text span size="xs" c="dimmed">{` ${activity.timeTracked}${activity.suspended ? ' · suspended' : ''}`}</Text>
      {waive && leaf && activity.activityCompletion !== 'COMPLETED' && (
        <WaiveButton registrationId={waive} auId={activity.id} />
      )}
      {activity.runtime && <RuntimeData runtime={activity.runtime} />}
      {activity.children && activity.children.length > 0 && (
        <List withPadding size="sm">
          {activity.children.map((child) => (
            <ActivityRow key={child.id} activity={child} waive={waive} />
          ))}
        </List>
      )}
    </List.Item>
  );
}

function Statements({ runtime }: { runtime: Runtime }) {
  return (
    <Table fz="xs" aria-label="Statements">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Time</Table.Th>
          <Table.Th>Verb</Table.Th>
          <Table.Th>Result</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {(runtime.statements ?? []).map((s) => (
          <Table.Tr key={s.id}>
            <Table.Td>{s.timestamp}</Table.Td>
            <Table.Td>{s.verb.split('/').pop()}</Table.Td>
            <Table.Td>
              <Code>{s.result ? JSON.stringify(s.result) : ''}</Code>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function RuntimeData({ runtime }: { runtime: Runtime }) {
  if (runtime.statements) {
    return (
      <Stack gap={4} ml="md" aria-label="Runtime data">
        <Text size="xs">
          status {runtime.completionStatus} / {runtime.runtimeSuccessStatus} · total time {runtime.totalTime}
        </Text>
        <Statements runtime={runtime} />
      </Stack>
    );
  }
  return (
    <Stack gap={4} ml="md" aria-label="Runtime data">
      <Text size="xs">
        status {runtime.completionStatus} / {runtime.runtimeSuccessStatus} · entry {runtime.entry || '–'} · exit{' '}
        {runtime.exit || '–'} · location <Code>{runtime.location || '–'}</Code> · total time {runtime.totalTime}
      </Text>
      {runtime.suspendData && (
        <Text size="xs">
          suspend data <Code>{runtime.suspendData.slice(0, 200)}</Code>
        </Text>
      )}
      {(runtime.runtimeInteractions ?? []).length > 0 && (
        <Table fz="xs" aria-label="Interactions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Interaction</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Response</Table.Th>
              <Table.Th>Result</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(runtime.runtimeInteractions ?? []).map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>{i.id}</Table.Td>
                <Table.Td>{i.type}</Table.Td>
                <Table.Td>{i.learnerResponse}</Table.Td>
                <Table.Td>{i.result}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {(runtime.runtimeObjectives ?? []).map((o) => (
        <Text size="xs" key={o.id}>
          objective <Code>{o.id}</Code> {o.runtimeObjectiveSuccessStatus} {o.runtimeObjectiveCompletionStatus}{' '}
          {o.scoreScaled || o.scoreRaw}
        </Text>
      ))}
    </Stack>
  );
}

function DebugLogView({ registrationId, launchId }: { registrationId: string; launchId: string }) {
  const log = useQuery({
    queryKey: ['debug-log', registrationId, launchId],
    queryFn: ({ signal }) => registrationsApi.log(registrationId, launchId, signal),
  });
  if (log.isError) return <Alert color="red">{log.error.message}</Alert>;
  if (!log.data) return <Text size="sm">Loading the debug log…</Text>;
  return (
    <Stack gap="xs">
      <Group>
        <Anchor href={log.data.shareUrl} target="_blank" rel="noreferrer">
          Shareable link
        </Anchor>
        <Anchor href={`${log.data.shareUrl}/log.json`} download>
          Download JSON
        </Anchor>
      </Group>
      <Table fz="xs" aria-label="Debug log">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Call / event</Table.Th>
            <Table.Th>Arguments</Table.Th>
            <Table.Th>Returned</Table.Th>
            <Table.Th>Error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {log.data.entries.map((e, n) => (
            <Table.Tr key={n}>
              <Table.Td>{e.t ?? ''}</Table.Td>
              <Table.Td>{e.call ?? e.kind}</Table.Td>
              <Table.Td>
                <Code>{JSON.stringify(e.args ?? e.seq ?? e.activityId ?? '').slice(0, 200)}</Code>
              </Table.Td>
              <Table.Td>{e.result ?? ''}</Table.Td>
              <Table.Td>{e.error ?? (e.errorCode as number | undefined) ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** One registration: results, activity tree with runtime data, launch history, debug logs. */
export default function RegistrationPage() {
  const { registrationId = '' } = useParams();
  const [launchId, setLaunchId] = useState<string | null>(null);
  const detail = useQuery({
    queryKey: ['registration', registrationId],
    queryFn: ({ signal }) => registrationsApi.detail(registrationId, signal),
  });
  const data = detail.data;
  return (
    <SectionPage title={`Registration ${registrationId}`} summary="Results, runtime data, launches and debug logs.">
      <Anchor component={Link} to="/registrations">
        ← Registrations
      </Anchor>
      {detail.isError && <Alert color="red">{detail.error.message}</Alert>}
      {data && (
        <Stack>
          <Group>
            <Badge>{data.registrationCompletion}</Badge>
            <Badge>{data.registrationSuccess}</Badge>
            <Text size="sm">
              {data.score ? `Score ${data.score.scaled}% · ` : ''}
              {data.totalSecondsTracked} s tracked · instance {data.instance}
            </Text>
          </Group>
          <Text size="sm">
            Learner {learnerName(data.learner)} (<Code>{data.learner.id}</Code>,{' '}
            <Anchor component={Link} to={reportageHref({ report: 'learner', key: data.learner.id })}>
              learner report
            </Anchor>
            ) · course{' '}
            <Anchor component={Link} to={`/library/${encodeURIComponent(data.course.id)}`}>
              {data.course.title || data.course.id}
            </Anchor>{' '}
            version {data.course.version}
          </Text>
          <Title order={3}>Activities</Title>
          <List aria-label="Activity results">
            <ActivityRow activity={data.activityDetails} waive={data.standard === 'CMI5' ? registrationId : undefined} />
          </List>
          <Title order={3}>Launch history</Title>
          {data.launchHistory.length === 0 && <Text size="sm">Not launched yet.</Text>}
          {data.launchHistory.length > 0 && (
            <Table aria-label="Launch history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Launched</Table.Th>
                  <Table.Th>Exited</Table.Th>
                  <Table.Th>Completion</Table.Th>
                  <Table.Th>Success</Table.Th>
                  <Table.Th>Debug log</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.launchHistory.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td>{new Date(l.launchTime).toLocaleString()}</Table.Td>
                    <Table.Td>{l.exitTime ? new Date(l.exitTime).toLocaleString() : '–'}</Table.Td>
                    <Table.Td>{l.completionStatus}</Table.Td>
                    <Table.Td>{l.successStatus}</Table.Td>
                    <Table.Td>
                      <Button size="compact-xs" variant="subtle" onClick={() => setLaunchId(l.id)}>
                        Show
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {launchId && <DebugLogView registrationId={registrationId} launchId={launchId} />}
          <SettingsTable
            path={`/api/app/registrations/${encodeURIComponent(registrationId)}/configuration`}
            level="registration"
            description="How this registration is delivered: set here to override the course's and the application's values (docs/settings.md); a change applies to the next launch."
          />
          <PostbackLog registrationId={registrationId} />
        </Stack>
      )}
    </SectionPage>
  );
}
