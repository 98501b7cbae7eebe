import { useState } from 'react';
import { Alert, Button, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { SectionPage } from '../../app/SectionPage';
import { sessionQueryKey } from '../auth/session';

interface Plan {
  id: string;
  name: string;
  registrationLimit: number | null;
  limitType: string;
  storageLimitBytes: number | null;
  priceCents: number;
  resettable: boolean;
}

interface Overview {
  realmId: string;
  coverageRoot: string;
  plan: Plan;
  plans: Plan[];
  registrationsCounted: number;
  storageUsedBytes: number;
  realms: { id: string; name: string; registrations: number; storageBytes: number }[];
  billing: { tier: string; monthlyPriceCents: number; records: { when: string; kind: string; plan: string; amountCents: number; by: string }[] };
}

/** A period of the usage report (read from the Reportage aggregates; launches once counted). */
interface UsagePeriod {
  from: string;
  to: string;
  registrations: number;
  launches?: number;
  completions: number;
  learners: number;
  courses: number;
  storageBytes: number;
}

interface Usage {
  overall: UsagePeriod & { registrationsAllTime: number };
  last30Days: UsagePeriod & { days: { day: string; registrations: number; storageBytes: number }[] };
}

const mb = (bytes: number | null) => (bytes === null ? 'unlimited' : `${(bytes / 1048576).toFixed(1)} MB`);
const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

const PERIOD_ROWS: { label: string; cell: (p: UsagePeriod) => string | number }[] = [
  { label: 'Registrations', cell: (p) => p.registrations },
  { label: 'Launches', cell: (p) => p.launches ?? '–' },
  { label: 'Completions', cell: (p) => p.completions },
  { label: 'Learners', cell: (p) => p.learners },
  { label: 'Courses', cell: (p) => p.courses },
  { label: 'Storage', cell: (p) => mb(p.storageBytes) },
];

/** Overall (since the realm began) and the last 30 days, side by side. */
function UsageTable({ usage }: { usage: Usage }) {
  const rows = PERIOD_ROWS.filter((row) => row.label !== 'Launches' || usage.overall.launches != null);
  return (
    <Table aria-label="Usage report">
      <Table.Thead>
        <Table.Tr>
          <Table.Th />
          <Table.Th>Overall (since {usage.overall.from})</Table.Th>
          <Table.Th>Last 30 days ({usage.last30Days.from} – {usage.last30Days.to})</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.label}>
            <Table.Th scope="row">{row.label === 'Storage' ? 'Storage (stored / added)' : row.label}</Table.Th>
            <Table.Td>{row.cell(usage.overall)}</Table.Td>
            <Table.Td>{row.cell(usage.last30Days)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Owners only: plan and usage, billing tier and summary, usage report, realms. */
export default function AccountPage() {
  const queryClient = useQueryClient();
  const [tier, setTier] = useState<string | null>(null);
  const [realmName, setRealmName] = useState('');
  const overview = useQuery({
    queryKey: ['account'],
    queryFn: ({ signal }) => api.get<Overview>('/api/account', signal),
  });
  const usage = useQuery({
    queryKey: ['account-usage'],
    queryFn: ({ signal }) => api.get<Usage>('/api/account/usage', signal),
  });
  const act = useMutation({
    mutationFn: (run: () => Promise<unknown>) => run(),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['account'] });
      void queryClient.invalidateQueries({ queryKey: ['account-usage'] });
      void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    },
  });
  const data = overview.data;
  return (
    <SectionPage title="Account" summary="Your plan, usage and billing, and your realms.">
      {overview.isError && <Alert color="red">{overview.error.message}</Alert>}
      {act.isError && <Alert color="red">{act.error.message}</Alert>}
      {data && (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Text>
              Plan: <b>{data.plan.name}</b>
              {data.coverageRoot !== data.realmId && ` (covered by realm ${data.coverageRoot})`}
            </Text>
            <Text>
              Registrations: {data.registrationsCounted} of {data.plan.registrationLimit ?? 'unlimited'}{' '}
              ({data.plan.limitType})
            </Text>
            <Text>
              Storage: {mb(data.storageUsedBytes)} of {mb(data.plan.storageLimitBytes)}
            </Text>
          </SimpleGrid>
          {data.plan.resettable && (
            <Group>
              <Button color="red" variant="light" onClick={() => act.mutate(() => api.post('/api/account/registrations/clear'))}>
                Clear Existing Registrations
              </Button>
            </Group>
          )}
          <Title order={2} size="h3">Usage per realm</Title>
          <Table>
            <Table.Thead>
              <Table.Tr><Table.Th>Realm</Table.Th><Table.Th>Registrations</Table.Th><Table.Th>Storage</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.realms.map((realm) => (
                <Table.Tr key={realm.id}>
                  <Table.Td>{realm.name}</Table.Td>
                  <Table.Td>{realm.registrations}</Table.Td>
                  <Table.Td>{mb(realm.storageBytes)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group justify="space-between" align="end">
            <Title order={2} size="h3">Usage report</Title>
            <Button component="a" href="/api/account/usage.csv" download variant="default" size="xs">
              Export CSV
            </Button>
          </Group>
          {usage.isError && <Alert color="red">{usage.error.message}</Alert>}
          {usage.data && <UsageTable usage={usage.data} />}
          <Title order={2} size="h3">Billing</Title>
          <Text>
            Tier: {data.plan.name} · {money(data.billing.monthlyPriceCents)} per month (records only; no payment is taken)
          </Text>
          <Group align="end">
            <Select
              label="Billing tier"
              data={data.plans.map((p) => ({ value: p.id, label: `${p.name} · ${money(p.priceCents)}/month` }))}
              value={tier ?? data.plan.id}
              onChange={setTier}
              allowDeselect={false}
            />
            <Button onClick={() => act.mutate(() => api.put('/api/account/plan', { plan: tier ?? data.plan.id }))}>
              Choose tier
            </Button>
          </Group>
          <Table>
            <Table.Tbody>
              {data.billing.records.map((record) => (
                <Table.Tr key={record.when}>
                  <Table.Td>{new Date(record.when).toLocaleString()}</Table.Td>
                  <Table.Td>{record.kind}</Table.Td>
                  <Table.Td>{record.plan}</Table.Td>
                  <Table.Td>{money(record.amountCents)}</Table.Td>
                  <Table.Td>{record.by}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Title order={2} size="h3">Realms</Title>
          <Group align="end">
            <TextInput label="New realm name" value={realmName} onChange={(e) => setRealmName(e.currentTarget.value)} />
            <Button onClick={() => act.mutate(() => api.post('/api/realms', { name: realmName }))}>Create realm</Button>
          </Group>
        </Stack>
      )}
    </SectionPage>
  );
}
