import { useEffect, useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  List,
  NumberInput,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { reportageHref } from '../reportage/api';
import { DataTable, QueryState, type Column } from '../../components/DataTable';
import {
  invitationState,
  invitationsApi,
  personName,
  toIso,
  toLocalInput,
  type InvitationChanges,
  type InvitationDetail,
  type Person,
} from './api';

function peopleColumns(inv: InvitationDetail, resend: (person: Person) => void): Column<Person>[] {
  const columns: Column<Person>[] = [
    { header: 'Learner', cell: (p) => personName(p) },
    { header: 'Email', cell: (p) => p.email },
    {
      header: 'Registration',
      cell: (p) => (
        <Anchor component={Link} to={`/registrations/${encodeURIComponent(p.registrationId)}`}>
          {p.registrationId}
        </Anchor>
      ),
    },
    { header: 'Started', cell: (p) => (p.isStarted ? 'Yes' : 'No') },
    { header: 'Completion', cell: (p) => <Badge variant="light">{p.registrationReport?.complete ?? 'UNKNOWN'}</Badge> },
    { header: 'Success', cell: (p) => <Badge variant="light">{p.registrationReport?.success ?? 'UNKNOWN'}</Badge> },
    { header: 'Score', cell: (p) => (p.registrationReport?.score ? `${p.registrationReport.score.scaled}%` : '–') },
  ];
  if (inv.kind === 'private') {
    columns.push({
      header: 'Email again',
      cell: (p) => (
        <Button size="xs" variant="subtle" onClick={() => resend(p)} aria-label={`Resend to ${p.email}`}>
          Resend
        </Button>
      ),
    });
  }
  return columns;
}

function Settings({ inv }: { inv: InvitationDetail }) {
  const queryClient = useQueryClient();
  const [cap, setCap] = useState<number | string>(inv.registrationCap ?? 0);
  const [expiry, setExpiry] = useState(toLocalInput(inv.expirationDate));
  useEffect(() => {
    setCap(inv.registrationCap ?? 0);
    setExpiry(toLocalInput(inv.expirationDate));
  }, [inv.registrationCap, inv.expirationDate]);
  const update = useMutation({
    mutationFn: (changes: InvitationChanges) => invitationsApi.update(inv.id, changes),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['invitations'] }),
  });
  return (
    <Stack gap="xs">
      <Switch
        label="Enabled (learners may launch)"
        checked={inv.allowLaunch}
        onChange={(event) => update.mutate({ allowLaunch: event.currentTarget.checked })}
      />
      {inv.kind === 'public' && (
        <Switch
          label="Accepts new people"
          checked={inv.allowNewRegistrations ?? true}
          onChange={(event) => update.mutate({ allowNewRegistrations: event.currentTarget.checked })}
        />
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const changes: InvitationChanges = { expirationDate: toIso(expiry) ?? null };
          if (inv.kind === 'public') changes.registrationCap = typeof cap === 'number' ? cap : Number(cap) || 0;
          update.mutate(changes);
        }}
      >
        <Group align="flex-end">
          {inv.kind === 'public' && (
            <NumberInput label="Registration cap (0: none)" min={0} value={cap} onChange={setCap} w={200} />
          )}
          <TextInput
            type="datetime-local"
            label="Expires (empty: never)"
            value={expiry}
            onChange={(event) => setExpiry(event.currentTarget.value)}
          />
          <Button type="submit" variant="light" loading={update.isPending}>
            Save
          </Button>
        </Group>
      </form>
      {update.isError && <Alert color="red">{update.error.message}</Alert>}
    </Stack>
  );
}

/** One invitation: its link, state, settings, email job and the people it registered with their results. */
export default function InvitationPage() {
  const { invitationId = '' } = useParams();
  const queryClient = useQueryClient();
  const detail = useQuery({
    queryKey: ['invitations', 'detail', invitationId],
    queryFn: ({ signal }) => invitationsApi.detail(invitationId, signal),
    refetchInterval: (query) => (query.state.data?.jobStatus?.status === 'STARTED' ? 1000 : false),
  });
  const resend = useMutation({
    mutationFn: (people: number[] | null) => invitationsApi.resend(invitationId, people),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['invitations', 'detail', invitationId] }),
  });
  const inv = detail.data;
  const state = inv ? invitationState(inv) : null;
  return (
    <SectionPage
      title={inv ? `${inv.kind === 'public' ? 'Public' : 'Private'} invitation` : 'Invitation'}
      summary={inv ? `To ${inv.courseTitle || inv.courseId}.` : 'An invitation and the people it registered.'}
    >
      <Anchor component={Link} to="/invitations">
        ← Invitations
      </Anchor>
      <QueryState query={detail} what="invitation" />
      {inv && (
        <Stack>
          <Group>
            <Badge color={state ? 'gray' : 'green'}>{state ?? 'Open'}</Badge>
            <Text size="sm">
              ID <Code>{inv.id}</Code> · course{' '}
              <Anchor component={Link} to={`/library/${encodeURIComponent(inv.courseId)}`}>
                {inv.courseTitle || inv.courseId}
              </Anchor>{' '}
              · {inv.registrationCount} registered
              {inv.kind === 'private' && ` · ${inv.launchedRegistrationCount ?? 0} launched`}
            </Text>
            <Button component={Link} to={reportageHref({ report: 'invitation', key: inv.id })} size="xs" variant="light">
              Invitation report
            </Button>
          </Group>
          {inv.url && (
            <Group>
              <Code aria-label="Invitation URL">{inv.url}</Code>
              <CopyButton value={inv.url}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy URL'}
                  </Button>
                )}
              </CopyButton>
            </Group>
          )}
          <Settings inv={inv} />
          {inv.jobStatus && (
            <Stack gap={4}>
              <Title order={3}>Emails</Title>
              <Text size="sm">
                {inv.jobStatus.status}: {inv.jobStatus.processed} of {inv.jobStatus.total} processed
              </Text>
              {inv.jobStatus.errors.length > 0 && (
                <List size="sm" aria-label="Email problems">
                  {inv.jobStatus.errors.map((error) => (
                    <List.Item key={error}>{error}</List.Item>
                  ))}
                </List>
              )}
              <Group>
                <Button size="xs" variant="light" loading={resend.isPending} onClick={() => resend.mutate(null)}>
                  Resend to everyone
                </Button>
              </Group>
              {resend.isError && <Alert color="red">{resend.error.message}</Alert>}
            </Stack>
          )}
          <Title order={3}>People</Title>
          {inv.peopleTotal !== undefined && inv.peopleTotal > inv.people.length && (
            <Text size="sm" c="dimmed">
              The first {inv.people.length} of {inv.peopleTotal}; the API lists them all (userInvitations).
            </Text>
          )}
          <DataTable
            label="People"
            rows={inv.people}
            rowKey={(p) => p.registrationId}
            columns={peopleColumns(inv, (person) => {
              const match = /\/u\/(\d+)\./.exec(person.url);
              if (match) resend.mutate([Number(match[1])]);
            })}
            empty="Nobody has registered through this invitation yet."
          />
        </Stack>
      )}
    </SectionPage>
  );
}
