import { useState } from 'react';
import { Alert, Anchor, Button, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
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

interface Usage {
  overall: { registrations: number; registrationsAllTime: number; storageBytes: number };
  last30Days: { registrations: number; storageBytes: number };
}

const mb = (bytes: number | null) => (bytes === null ? 'unlimited' : `${(bytes / 1048576).toFixed(1)} MB`);
const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

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
          <Title order={2} size="h3">Usage report</Title>
          {usage.data && (
            <Text>
              All time: {usage.data.overall.registrationsAllTime} registrations, {mb(usage.data.overall.storageBytes)} stored ·
              Last 30 days: {usage.data.last30Days.registrations} registrations, {mb(usage.data.last30Days.storageBytes)} added
            </Text>
          )}
          <Anchor href="/api/account/usage.csv" download>
            Download usage report (CSV)
          </Anchor>
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
