import { useState } from 'react';
import { Alert, Badge, Button, Code, Group, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import { SectionPage } from '../../app/SectionPage';
import type { AppSummary } from './AppsPage';
import { MonthlyChart } from '../reportage/charts';
import { reportageHref } from '../reportage/api';

interface Key {
  id: string;
  name: string;
  enabled: boolean;
  created: string;
  secret?: string;
}

interface Details extends AppSummary {
  keys: Key[];
  registrationsByMonth: { month: string; registrations: number }[];
}

/** An app's Details page: its secret keys and a 13-month registration overview. */
export default function AppDetailsPage() {
  const { appId = '' } = useParams();
  const path = `/api/apps/${encodeURIComponent(appId)}`;
  const queryClient = useQueryClient();
  const [keyName, setKeyName] = useState('');
  const [shown, setShown] = useState<Key | null>(null);
  const details = useQuery({
    queryKey: ['app', appId],
    queryFn: ({ signal }) => api.get<Details>(path, signal),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['app', appId] });
  const act = useMutation({
    mutationFn: (run: () => Promise<Key | void>) => run(),
    onSuccess: (key) => {
      if (key && key.secret) setShown(key);
      refresh();
    },
  });
  const app = details.data;
  const title = app ? (app.kind === 'management' ? 'Application management' : app.name) : 'App';
  return (
    <SectionPage title={title} summary="Secret keys are shown once, when made; only their hashes are kept.">
      {details.isError && <Alert color="red">{details.error.message}</Alert>}
      {act.isError && <Alert color="red">{act.error.message}</Alert>}
      {shown && (
        <Alert color="yellow" title="Copy the secret key now: it is shown only once">
          App ID <Code>{app?.id}</Code> · Secret key <Code>{shown.secret}</Code>
        </Alert>
      )}
      {app && (
        <>
          <Text>
            App ID <Code>{app.id}</Code>
          </Text>
          <Title order={2} size="h3">
            Secret keys
          </Title>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {app.keys.map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>
                    <Badge color={key.enabled ? 'green' : 'gray'}>
                      {key.enabled ? 'Enabled' : 'Disabled'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{new Date(key.created).toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() =>
                          act.mutate(() =>
                            api.put<Key>(`${path}/keys/${key.id}`, { enabled: !key.enabled }),
                          )
                        }
                      >
                        {key.enabled ? 'Disable' : 'Enable'}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => act.mutate(() => api.post<Key>(`${path}/keys/${key.id}/rotate`))}
                      >
                        Rotate
                      </Button>
                      <Button
                        size="xs"
                        color="red"
                        variant="light"
                        onClick={() => act.mutate(() => api.delete(`${path}/keys/${key.id}`))}
                      >
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group align="end">
            <TextInput label="New key name" value={keyName} onChange={(e) => setKeyName(e.currentTarget.value)} />
            <Button
              onClick={() => act.mutate(() => api.post<Key>(`${path}/keys`, { name: keyName }))}
              loading={act.isPending}
            >
              Add key
            </Button>
          </Group>
          <Title order={2} size="h3">
            Registrations, last 13 months
          </Title>
          <MonthlyChart title="Registrations made with this app per month" months={app.registrationsByMonth} />
          <Group>
            <Button component={Link} to={reportageHref({ report: 'app', key: appId })} variant="light">
              App report
            </Button>
          </Group>
        </>
      )}
    </SectionPage>
  );
}
