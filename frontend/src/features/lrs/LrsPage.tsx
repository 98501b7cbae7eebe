import { useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Modal,
  NativeSelect,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import {
  NO_FILTERS,
  agentLabel,
  filterParams,
  lrsApi,
  objectLabel,
  verbLabel,
  type Filters,
  type Statement,
} from './api';

type FormFilters = Omit<Filters, 'endpoint'>;

function FilterForm({ onApply }: { onApply: (filters: FormFilters) => void }) {
  const [draft, setDraft] = useState<FormFilters>(NO_FILTERS);
  const field = (name: keyof FormFilters) => ({
    value: draft[name],
    onChange: (event: { currentTarget: { value: string } }) => {
      const value = event.currentTarget.value;
      setDraft((current) => ({ ...current, [name]: value }));
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <form onSubmit={submit} aria-label="Statement filters">
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NativeSelect
            label="Actor identified by"
            data={[
              { value: 'mbox', label: 'Email (mbox)' },
              { value: 'account', label: 'Account' },
            ]}
            {...field('actorKind')}
          />
          {draft.actorKind === 'mbox' ? (
            <TextInput label="Actor email" placeholder="learner@example.com" {...field('mbox')} />
          ) : (
            <>
              <TextInput label="Account home page" placeholder="https://lms.example.com" {...field('homePage')} />
              <TextInput label="Account name" {...field('accountName')} />
            </>
          )}
          <TextInput label="Verb IRI" placeholder="http://adlnet.gov/expapi/verbs/passed" {...field('verb')} />
          <TextInput label="Activity IRI" {...field('activity')} />
          <TextInput label="Registration" placeholder="UUID" {...field('registration')} />
          <TextInput label="Stored since" placeholder="2026-01-01T00:00:00Z" {...field('since')} />
          <TextInput label="Stored until" placeholder="2026-12-31T23:59:59Z" {...field('until')} />
        </SimpleGrid>
        <Group>
          <Button type="submit">Apply filters</Button>
          <Button
            variant="subtle"
            onClick={() => {
              setDraft(NO_FILTERS);
              onApply(NO_FILTERS);
            }}
          >
            Clear
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function StatementDetail({ endpoint, id, onClose }: { endpoint: string; id: string; onClose: () => void }) {
  const detail = useQuery({
    queryKey: ['lrs-statement', endpoint, id],
    queryFn: ({ signal }) => lrsApi.statement(endpoint, id, signal),
  });
  return (
    <Modal opened onClose={onClose} title={`Statement ${id}`} size="xl">
      {detail.isError && <Alert color="red">{detail.error.message}</Alert>}
      {detail.isPending && <Text>Loading…</Text>}
      {detail.data && (
        <Code block aria-label="Statement JSON">
          {JSON.stringify(detail.data, null, 2)}
        </Code>
      )}
    </Modal>
  );
}

function StatementTable({ statements, onOpen }: { statements: Statement[]; onOpen: (id: string) => void }) {
  return (
    <Table aria-label="Statements" striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Time</Table.Th>
          <Table.Th>Actor</Table.Th>
          <Table.Th>Verb</Table.Th>
          <Table.Th>Object</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {statements.map((statement) => (
          <Table.Tr key={statement.id}>
            <Table.Td>{new Date(statement.timestamp ?? statement.stored ?? '').toLocaleString()}</Table.Td>
            <Table.Td>{agentLabel(statement.actor)}</Table.Td>
            <Table.Td title={statement.verb.id}>{verbLabel(statement)}</Table.Td>
            <Table.Td title={statement.object.id}>{objectLabel(statement)}</Table.Td>
            <Table.Td>
              <Button size="compact-sm" variant="light" onClick={() => onOpen(statement.id)}
                aria-label={`View statement ${statement.id}`}>
                View
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export default function LrsPage() {
  const endpoints = useQuery({ queryKey: ['lrs-endpoints'], queryFn: ({ signal }) => lrsApi.endpoints(signal) });
  const [chosen, setChosen] = useState<string | null>(null);
  const [applied, setApplied] = useState<FormFilters>(NO_FILTERS);
  const [open, setOpen] = useState<string | null>(null);
  const choices = endpoints.data?.endpoints ?? [];
  const endpoint = chosen ?? (choices.find((c) => c.kind === 'app') ?? choices[0])?.id ?? '';
  const params = filterParams({ ...applied, endpoint });
  const statements = useInfiniteQuery({
    queryKey: ['lrs-statements', params.toString()],
    queryFn: ({ pageParam, signal }) => lrsApi.statements(params, pageParam, signal),
    initialPageParam: '',
    getNextPageParam: (last) => last.more || undefined,
    enabled: endpoint !== '',
  });
  const rows = statements.data?.pages.flatMap((page) => page.statements) ?? [];
  return (
    <SectionPage title="LRS" summary="Browse, inspect and export the xAPI statements of your LRS endpoints.">
      <Anchor component={Link} to="/lrs/forwarding">
        Forwarding (statement pipes) →
      </Anchor>
      {endpoints.isError && <Alert color="red">{endpoints.error.message}</Alert>}
      <NativeSelect
        label="Endpoint"
        value={endpoint}
        onChange={(event) => setChosen(event.currentTarget.value)}
        data={choices.map((c) => ({
          value: c.id,
          label: c.kind === 'realm' ? `Realm LRS (/lrs/${c.id})` : `${c.name} (/lrs/${c.id})`,
        }))}
        maw={480}
      />
      <FilterForm onApply={setApplied} />
      <Group>
        <Anchor href={`/api/lrs/export.json?${params.toString()}`} download="statements.json">
          Export JSON
        </Anchor>
        <Anchor href={`/api/lrs/export.csv?${params.toString()}`} download="statements.csv">
          Export CSV
        </Anchor>
      </Group>
      {statements.isError && <Alert color="red">{statements.error.message}</Alert>}
      {statements.isSuccess && rows.length === 0 && <Text>No statements match.</Text>}
      {rows.length > 0 && <StatementTable statements={rows} onOpen={setOpen} />}
      {statements.hasNextPage && (
        <Button variant="default" onClick={() => void statements.fetchNextPage()}
          loading={statements.isFetchingNextPage} w="fit-content">
          Load more
        </Button>
      )}
      {open && <StatementDetail endpoint={endpoint} id={open} onClose={() => setOpen(null)} />}
    </SectionPage>
  );
}
