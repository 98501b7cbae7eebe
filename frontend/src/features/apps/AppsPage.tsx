import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Code, Group, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { SectionPage } from '../../app/SectionPage';
import { QueryTable, type Column } from '../../components/DataTable';

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

const COLUMNS: Column<AppSummary>[] = [
  {
    header: 'Name',
    cell: (app) => (
      <Anchor component={Link} to={`/apps/${encodeURIComponent(app.id)}`}>
        {app.name}
      </Anchor>
    ),
  },
  { header: 'App ID', cell: (app) => <Code>{app.id}</Code> },
  { header: 'Created', cell: (app) => new Date(app.created).toLocaleString() },
];

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
      <QueryTable
        label="Apps"
        query={apps}
        rows={apps.data?.apps}
        rowKey={(app) => app.id}
        columns={COLUMNS}
        empty="No apps yet."
      />
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
