import { useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Menu,
  Modal,
  MultiSelect,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { QueryTable, type Column } from '../../components/DataTable';
import { libraryApi } from '../library/api';
import { reportageHref } from '../reportage/api';
import {
  PACKAGE_TYPES,
  dispatchApi,
  zipUrl,
  type Destination,
  type Dispatch,
  type DispatchFilters,
  type PensRecord,
} from './api';

function useDestinations() {
  return useQuery({ queryKey: ['dispatch-destinations'], queryFn: ({ signal }) => dispatchApi.destinations(signal) });
}

function CopyRow({ label, value }: { label: string; value: string }) {
  return (
    <Group wrap="nowrap" align="center">
      <Text fw={500} w={120}>
        {label}
      </Text>
      <Code style={{ flex: 1, overflowWrap: 'anywhere' }}>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button size="xs" variant="light" onClick={copy} aria-label={`Copy ${label}`}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

function LtiModal({ dispatch, onClose }: { dispatch: Dispatch; onClose: () => void }) {
  const info = useQuery({ queryKey: ['dispatch-lti', dispatch.id], queryFn: ({ signal }) => dispatchApi.lti(dispatch.id, signal) });
  return (
    <Modal opened onClose={onClose} title={`Basic LTI 1.1: ${dispatch.data.courseTitle}`} size="xl">
      {info.isError && <Alert color="red">{info.error.message}</Alert>}
      {info.data && (
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            Enter these in the LMS as an external tool; its learners play the course and their scores come back.
          </Text>
          <CopyRow label="Launch URL" value={info.data.url} />
          <CopyRow label="Consumer key" value={info.data.consumerKey} />
          <CopyRow label="Shared secret" value={info.data.sharedSecret} />
        </Stack>
      )}
    </Modal>
  );
}

const PENS_COLUMNS: Column<PensRecord>[] = [
  { header: 'When', cell: (r) => new Date(r.created).toLocaleString() },
  { header: 'Message', cell: (r) => r.kind },
  { header: 'Result', cell: (r) => (r.error === '0' ? <Badge color="green">OK</Badge> : <Badge color="red">Error {r.error}</Badge>) },
  { header: 'Details', cell: (r) => [r.targetUrl, r.errorText].filter(Boolean).join(' — ') },
];

function PensModal({ dispatch, onClose }: { dispatch: Dispatch; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [targetUrl, setTargetUrl] = useState('');
  const [type, setType] = useState('SCORM_12');
  const [systemUserId, setSystemUserId] = useState('');
  const [systemPassword, setSystemPassword] = useState('');
  const records = useQuery({
    queryKey: ['dispatch-pens', dispatch.id],
    queryFn: ({ signal }) => dispatchApi.pensRecords(dispatch.id, signal),
  });
  const publish = useMutation({
    mutationFn: () => dispatchApi.publish(dispatch.id, { targetUrl, type, systemUserId, systemPassword }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['dispatch-pens', dispatch.id] }),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    publish.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={`Publish with PENS: ${dispatch.data.courseTitle}`} size="xl">
      <Stack gap="sm">
        <form onSubmit={submit} aria-label="Publish with PENS">
          <Stack gap="xs">
            <TextInput label="Target LMS PENS URL" required value={targetUrl} onChange={(e) => setTargetUrl(e.currentTarget.value)} />
            <Select label="Package type" data={PACKAGE_TYPES} value={type} onChange={(v) => setType(v ?? 'SCORM_12')} allowDeselect={false} />
            <Group grow>
              <TextInput label="LMS user id" value={systemUserId} onChange={(e) => setSystemUserId(e.currentTarget.value)} />
              <PasswordInput label="LMS password" value={systemPassword} onChange={(e) => setSystemPassword(e.currentTarget.value)} />
            </Group>
            <Group>
              <Button type="submit" loading={publish.isPending} disabled={!targetUrl}>
                Publish
              </Button>
            </Group>
          </Stack>
        </form>
        {publish.isError && <Alert color="red">{publish.error.message}</Alert>}
        <Title order={4}>Receipts and alerts</Title>
        <QueryTable
          label="PENS messages"
          query={records}
          rows={records.data?.records}
          rowKey={(r) => `${r.kind}-${r.created}`}
          columns={PENS_COLUMNS}
          empty="Nothing published yet."
        />
      </Stack>
    </Modal>
  );
}

function CreateDispatch({ initialCourse, onDone }: { initialCourse: string | null; onDone: () => void }) {
  const queryClient = useQueryClient();
  const destinations = useDestinations();
  const courses = useQuery({ queryKey: ['library'], queryFn: ({ signal }) => libraryApi.list(signal) });
  const [destinationId, setDestinationId] = useState<string | null>(null);
  const [courseIds, setCourseIds] = useState<string[]>(initialCourse ? [initialCourse] : []);
  const [cap, setCap] = useState<number | string>(0);
  const [expires, setExpires] = useState('');
  const create = useMutation({
    mutationFn: () =>
      dispatchApi.create({
        courseIds,
        destinationId: destinationId ?? '',
        registrationCap: Number(cap) || 0,
        ...(expires ? { expirationDate: `${expires}T00:00:00Z` } : {}),
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['dispatches'] });
      onDone();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New dispatch">
      <Stack gap="xs">
        <Title order={3}>New dispatch</Title>
        <Select
          label="Destination"
          required
          data={(destinations.data?.destinations ?? []).map((d) => ({ value: d.id, label: d.data.name }))}
          value={destinationId}
          onChange={setDestinationId}
        />
        <MultiSelect
          label="Courses"
          description="Add Course: one dispatch per course"
          required
          searchable
          data={(courses.data?.courses ?? []).map((c) => ({ value: c.id, label: c.title || c.id }))}
          value={courseIds}
          onChange={setCourseIds}
        />
        <Group grow>
          <NumberInput label="Learner limit (0 = unlimited)" min={0} value={cap} onChange={setCap} />
          <TextInput label="Expires on" type="date" value={expires} onChange={(e) => setExpires(e.currentTarget.value)} />
        </Group>
        {create.isError && <Alert color="red">{create.error.message}</Alert>}
        <Group>
          <Button type="submit" loading={create.isPending} disabled={!destinationId || courseIds.length === 0}>
            Create
          </Button>
          <Button variant="subtle" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DispatchesPanel() {
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const destinations = useDestinations();
  const [creating, setCreating] = useState(params.get('course') !== null);
  const [lti, setLti] = useState<Dispatch | null>(null);
  const [pens, setPens] = useState<Dispatch | null>(null);
  const filters: DispatchFilters = {
    destinationId: params.get('destinationId') ?? undefined,
    courseId: params.get('courseId') ?? undefined,
    filter: params.get('filter') ?? undefined,
    isEnabled: params.get('isEnabled') ?? undefined,
  };
  const list = useQuery({ queryKey: ['dispatches', filters], queryFn: ({ signal }) => dispatchApi.dispatches(filters, signal) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['dispatches'] });
  const toggle = useMutation({
    mutationFn: (d: Dispatch) => dispatchApi.update(d.id, { enabled: !d.data.enabled }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: (d: Dispatch) => dispatchApi.remove(d.id), onSuccess: refresh });
  const setFilter = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  const columns: Column<Dispatch>[] = [
    { header: 'Course', cell: (d) => d.data.courseTitle || d.data.courseId },
    { header: 'Destination', cell: (d) => d.data.destinationName || d.data.destinationId },
    {
      header: 'Status',
      cell: (d) => (d.data.enabled ? <Badge color="green">Enabled</Badge> : <Badge color="gray">Disabled</Badge>),
    },
    {
      header: 'Learners',
      cell: (d) => `${d.data.registrationCount} / ${d.data.registrationCap ? d.data.registrationCap : '∞'}`,
    },
    { header: 'Expires', cell: (d) => (d.data.expirationDate ? new Date(d.data.expirationDate).toLocaleDateString() : 'Never') },
    {
      header: 'Actions',
      cell: (d) => (
        <Group gap="xs" wrap="nowrap">
          <Menu>
            <Menu.Target>
              <Button size="xs" variant="light">
                Download
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {PACKAGE_TYPES.map((t) => (
                <Menu.Item key={t.value} component="a" href={zipUrl(d.id, t.value)} download>
                  {t.label} package
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Button size="xs" variant="light" onClick={() => setLti(d)}>
            LTI
          </Button>
          <Button size="xs" variant="light" onClick={() => setPens(d)}>
            PENS
          </Button>
          <Button size="xs" variant="subtle" onClick={() => toggle.mutate(d)}>
            {d.data.enabled ? 'Disable' : 'Enable'}
          </Button>
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={() => {
              if (window.confirm(`Delete this dispatch? Packages already given to ${d.data.destinationName} stop working.`))
                remove.mutate(d);
            }}
          >
            Delete
          </Button>
        </Group>
      ),
    },
  ];
  return (
    <Stack gap="sm">
      <Group align="end">
        <Select
          label="Destination"
          placeholder="All destinations"
          clearable
          data={(destinations.data?.destinations ?? []).map((d) => ({ value: d.id, label: d.data.name }))}
          value={filters.destinationId ?? null}
          onChange={(value) => setFilter('destinationId', value)}
        />
        <Select
          label="Status"
          placeholder="Any"
          clearable
          data={[
            { value: 'true', label: 'Enabled' },
            { value: 'false', label: 'Disabled' },
          ]}
          value={filters.isEnabled ?? null}
          onChange={(value) => setFilter('isEnabled', value)}
        />
        <TextInput
          label="Search"
          placeholder="Dispatch id"
          defaultValue={filters.filter ?? ''}
          onBlur={(e) => setFilter('filter', e.currentTarget.value)}
        />
        <Button onClick={() => setCreating(true)}>New dispatch</Button>
      </Group>
      {creating && <CreateDispatch initialCourse={params.get('course')} onDone={() => setCreating(false)} />}
      {(toggle.isError || remove.isError) && <Alert color="red">{(toggle.error ?? remove.error)?.message}</Alert>}
      <QueryTable
        label="Dispatches"
        query={list}
        rows={list.data?.dispatches}
        rowKey={(d) => d.id}
        columns={columns}
        empty="No dispatches yet. Dispatch a course to an LMS with New dispatch, or from a course page's Share > Dispatch."
      />
      {lti && <LtiModal dispatch={lti} onClose={() => setLti(null)} />}
      {pens && <PensModal dispatch={pens} onClose={() => setPens(null)} />}
    </Stack>
  );
}

function DestinationsPanel() {
  const queryClient = useQueryClient();
  const destinations = useDestinations();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['dispatch-destinations'] });
  const create = useMutation({
    mutationFn: () => dispatchApi.createDestination({ id, name }),
    onSuccess: () => {
      setId('');
      setName('');
      void refresh();
    },
  });
  const remove = useMutation({ mutationFn: (d: Destination) => dispatchApi.deleteDestination(d.id), onSuccess: refresh });
  const columns: Column<Destination>[] = [
    { header: 'Name', cell: (d) => d.data.name },
    { header: 'Id', cell: (d) => <Code>{d.id}</Code> },
    {
      header: 'Dispatches',
      cell: (d) => (
        <Anchor component={Link} to={`/dispatch?destinationId=${encodeURIComponent(d.id)}`}>
          {d.data.dispatchCount ?? 0}
        </Anchor>
      ),
    },
    {
      header: 'Learners',
      cell: (d) => (
        <Group gap="sm" wrap="nowrap">
          <Anchor component={Link} to={`/registrations?destinationId=${encodeURIComponent(d.id)}`}>
            Registrations
          </Anchor>
          <Anchor component={Link} to={reportageHref({ report: 'destination', key: d.id })} aria-label={`Reportage of ${d.data.name}`}>
            Reportage
          </Anchor>
        </Group>
      ),
    },
    { header: 'Created', cell: (d) => new Date(d.data.created).toLocaleDateString() },
    {
      header: 'Actions',
      cell: (d) => (
        <Button
          size="xs"
          variant="subtle"
          color="red"
          onClick={() => {
            if (window.confirm(`Delete ${d.data.name} and all of its dispatches?`)) remove.mutate(d);
          }}
        >
          Delete
        </Button>
      ),
    },
  ];
  return (
    <Stack gap="sm">
      <form
        aria-label="New destination"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <Group align="end">
          <TextInput label="Destination id" required value={id} onChange={(e) => setId(e.currentTarget.value)} />
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Button type="submit" loading={create.isPending} disabled={!id || !name}>
            Add destination
          </Button>
        </Group>
      </form>
      {(create.isError || remove.isError) && <Alert color="red">{(create.error ?? remove.error)?.message}</Alert>}
      <QueryTable
        label="Destinations"
        query={destinations}
        rows={destinations.data?.destinations}
        rowKey={(d) => d.id}
        columns={columns}
        empty="No destinations yet: add one for each LMS you deliver courses to."
      />
    </Stack>
  );
}

export default function DispatchPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'destinations' ? 'destinations' : 'dispatches';
  const choose = (value: string | null) => {
    const next = new URLSearchParams();
    if (value === 'destinations') next.set('tab', 'destinations');
    setParams(next);
  };
  return (
    <SectionPage
      title="Dispatch"
      summary="Deliver courses through other learning management systems: packages, PENS and Basic LTI links that play from Nimbus and report back."
    >
      <Tabs value={tab} onChange={choose} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="dispatches">Dispatches</Tabs.Tab>
          <Tabs.Tab value="destinations">Destinations</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="dispatches" pt="md">
          <DispatchesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="destinations" pt="md">
          <DestinationsPanel />
        </Tabs.Panel>
      </Tabs>
    </SectionPage>
  );
}
