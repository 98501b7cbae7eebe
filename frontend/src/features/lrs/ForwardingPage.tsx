import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Badge, Button, Group, NativeSelect, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { QueryState, QueryTable } from '../../components/DataTable';
import { lrsApi } from './api';
import { forwardingApi, type StatementPipe } from './forwardingApi';

function lag(pipe: StatementPipe): string {
  if (!pipe.pending) return 'caught up';
  const count = `${pipe.pending}${pipe.pendingCapped ? '+' : ''} waiting`;
  return pipe.lagSeconds != null ? `${count} · oldest ${Math.round(pipe.lagSeconds)} s` : count;
}

function state(pipe: StatementPipe) {
  if (pipe.paused) return <Badge color="gray">paused</Badge>;
  if (pipe.attempts > 0) return <Badge color="orange">retrying</Badge>;
  return <Badge color="green">forwarding</Badge>;
}

function DeadLetters({ pipeId }: { pipeId: string }) {
  const dead = useQuery({
    queryKey: ['statement-pipes', pipeId, 'dead'],
    queryFn: ({ signal }) => forwardingApi.deadLetters(pipeId, signal),
  });
  return (
    <QueryTable
      query={dead}
      label="Dead letters"
      rows={dead.data?.deadLetters}
      rowKey={(d) => d.position}
      empty="No statement was refused by the target."
      columns={[
        { header: 'Statement', cell: (d) => d.statementId },
        { header: 'HTTP status', cell: (d) => d.status ?? '–' },
        { header: 'Refused because', cell: (d) => d.error },
        { header: 'When', cell: (d) => new Date(d.at).toLocaleString() },
      ]}
    />
  );
}

function NewPipeForm({ onDone }: { onDone: () => void }) {
  const endpoints = useQuery({ queryKey: ['lrs-endpoints'], queryFn: ({ signal }) => lrsApi.endpoints(signal) });
  const [source, setSource] = useState('');
  const [url, setUrl] = useState('');
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const create = useMutation({
    mutationFn: () =>
      forwardingApi.create({ source: { url: source || endpoints.data?.endpoints[0]?.id || '' }, target: { url, userName, password } }),
    onSuccess: onDone,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  if (!endpoints.isSuccess) return <QueryState query={endpoints} what="LRS endpoints" />;
  return (
    <form onSubmit={submit} aria-label="New statement pipe">
      <Stack gap="xs" maw={560}>
        <NativeSelect
          label="Source LRS"
          value={source}
          onChange={(event) => setSource(event.currentTarget.value)}
          data={endpoints.data.endpoints.map((e) => ({ value: e.id, label: `${e.name} (${e.kind})` }))}
        />
        <TextInput label="Target LRS endpoint" placeholder="https://lrs.example.com/xapi/" required value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
        <Group grow>
          <TextInput label="Target key (Basic user name)" value={userName} onChange={(e) => setUserName(e.currentTarget.value)} />
          <PasswordInput label="Target secret" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
        </Group>
        {create.isError && <Alert color="red">{create.error.message}</Alert>}
        <Group>
          <Button type="submit" loading={create.isPending}>
            Start forwarding
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** LRS › Forwarding: statement pipes with their position, lag, last error and dead letters. */
export default function ForwardingPage() {
  const client = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [deadOf, setDeadOf] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['statement-pipes'],
    queryFn: ({ signal }) => forwardingApi.list(signal),
    refetchInterval: 5000,
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['statement-pipes'] });
  const act = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: 'pause' | 'resume' | 'remove' }) => {
      await forwardingApi[action](id);
    },
    onSuccess: refresh,
  });
  return (
    <SectionPage title="Forwarding" summary="Statement pipes: every statement of an LRS endpoint, forwarded to another LRS in order.">
      <Anchor component={Link} to="/lrs">
        ← LRS
      </Anchor>
      <Group>
        <Button variant={adding ? 'default' : 'filled'} onClick={() => setAdding(!adding)}>
          {adding ? 'Cancel' : 'New pipe'}
        </Button>
      </Group>
      {adding && (
        <NewPipeForm
          onDone={() => {
            setAdding(false);
            void refresh();
          }}
        />
      )}
      {act.isError && <Alert color="red">{act.error.message}</Alert>}
      <QueryTable
        query={list}
        label="Statement pipes"
        rows={list.data?.xapiStatementPipes}
        rowKey={(p) => p.id}
        empty="No statement pipes yet."
        columns={[
          { header: 'Source', cell: (p) => p.source.url },
          { header: 'Target', cell: (p) => p.target.url },
          { header: 'State', cell: state },
          { header: 'Forwarded', cell: (p) => p.forwarded },
          { header: 'Position', cell: (p) => p.lastForwardedStatementDate ?? 'start' },
          { header: 'Lag', cell: lag },
          {
            header: 'Last error',
            cell: (p) =>
              p.lastError ? (
                <Text size="xs" c="red">
                  {p.lastError} {p.visibleAfter && `(next try ${new Date(p.visibleAfter).toLocaleTimeString()})`}
                </Text>
              ) : (
                ''
              ),
          },
          {
            header: 'Dead letters',
            cell: (p) => (
              <Button size="compact-xs" variant="subtle" onClick={() => setDeadOf(p.id)}>
                {p.deadLetters}
              </Button>
            ),
          },
          {
            header: 'Actions',
            cell: (p) => (
              <Group gap={4}>
                <Button size="compact-xs" variant="light" onClick={() => act.mutate({ id: p.id, action: p.paused ? 'resume' : 'pause' })}>
                  {p.paused ? 'Resume' : 'Pause'}
                </Button>
                <Button size="compact-xs" variant="light" color="red" onClick={() => act.mutate({ id: p.id, action: 'remove' })}>
                  Delete
                </Button>
              </Group>
            ),
          },
        ]}
      />
      {deadOf && (
        <Stack gap="xs">
          <Title order={3}>Dead letters of pipe {deadOf}</Title>
          <DeadLetters pipeId={deadOf} />
        </Stack>
      )}
    </SectionPage>
  );
}
