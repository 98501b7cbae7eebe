import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Code, Group, Table, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { SectionPage } from '../../app/SectionPage';

export interface AppSummary {
  id: string;
  name: string;
  created: string;
  updated: string;
  kind: string;
}

interface Created extends AppSummary {
  secret: string;
}

export default function AppsPage() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const apps = useQuery({
    queryKey: ['apps'],
    queryFn: ({ signal }) => api.get<{ apps: AppSummary[] }>('/api/apps', signal),
  });
  const create = useMutation({
    mutationFn: () => api.post<Created>('/api/apps', { name }),
    onSuccess: () => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['apps'] });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <SectionPage
      title="Apps"
      summary="API applications: an App ID and secret keys for the SCORM Cloud compatible API."
    >
      {apps.isError && <Alert color="red">{apps.error.message}</Alert>}
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>App ID</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(apps.data?.apps ?? []).map((app) => (
            <Table.Tr key={app.id}>
              <Table.Td>
                <Anchor component={Link} to={`/apps/${encodeURIComponent(app.id)}`}>
                  {app.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Code>{app.id}</Code>
              </Table.Td>
              <Table.Td>{new Date(app.created).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <form onSubmit={submit} aria-label="New app">
        <Group align="end">
          <TextInput label="New app name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Button type="submit" loading={create.isPending}>
            Create app
          </Button>
        </Group>
      </form>
      {create.isError && <Alert color="red">{create.error.message}</Alert>}
      {create.data && (
        <Alert color="yellow" title="Copy the secret key now: it is shown only once">
          App ID <Code>{create.data.id}</Code> · Secret key <Code>{create.data.secret}</Code>
        </Alert>
      )}
      <Anchor component={Link} to="/apps/management">
        Application management credentials
      </Anchor>
    </SectionPage>
  );
}
