import { useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Code, Group, Select, Table, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { Link } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { reportageHref } from '../reportage/api';

interface Person {
  email: string;
  name: string;
  role: string;
  locked: boolean;
}

const ROLES = [
  { value: 'learner', label: 'Learner' },
  { value: 'administrator', label: 'Administrator' },
  { value: 'owner', label: 'Owner' },
];

export default function PeoplePage() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('learner');
  const people = useQuery({
    queryKey: ['people'],
    queryFn: ({ signal }) => api.get<{ people: Person[] }>('/api/users', signal),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['people'] });
  const add = useMutation({
    mutationFn: () =>
      api.post<{ person: Person; initialPassword: string | null }>('/api/users', { email, name, role }),
    onSuccess: () => {
      setEmail('');
      setName('');
      refresh();
    },
  });
  const change = useMutation({
    mutationFn: (run: () => Promise<unknown>) => run(),
    onSuccess: refresh,
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    add.mutate();
  };
  const userPath = (who: string) => `/api/users/${encodeURIComponent(who)}`;
  return (
    <SectionPage title="People" summary="Owners, administrators and learners in this realm.">
      {people.isError && <Alert color="red">{people.error.message}</Alert>}
      {change.isError && <Alert color="red">{change.error.message}</Alert>}
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(people.data?.people ?? []).map((person) => (
            <Table.Tr key={person.email}>
              <Table.Td>
                {person.email} {person.locked && '(locked out)'}
              </Table.Td>
              <Table.Td>{person.name}</Table.Td>
              <Table.Td>
                <Select
                  aria-label={`Role of ${person.email}`}
                  size="xs"
                  data={ROLES}
                  value={person.role}
                  allowDeselect={false}
                  onChange={(next) =>
                    next && change.mutate(() => api.put(userPath(person.email), { role: next }))
                  }
                />
              </Table.Td>
              <Table.Td>
                <Group gap="sm" wrap="nowrap">
                  <Anchor
                    component={Link}
                    to={reportageHref({ report: 'learner', key: person.email })}
                    size="sm"
                    aria-label={`Reportage of ${person.email}`}
                  >
                    Reportage
                  </Anchor>
                  <Button
                    size="xs"
                    color="red"
                    variant="light"
                    onClick={() => change.mutate(() => api.delete(userPath(person.email)))}
                  >
                    Remove
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <form onSubmit={submit} aria-label="Add a person">
        <Group align="end">
          <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Select label="Role" data={ROLES} value={role} allowDeselect={false} onChange={(v) => setRole(v ?? 'learner')} />
          <Button type="submit" loading={add.isPending}>
            Add person
          </Button>
        </Group>
      </form>
      {add.isError && <Alert color="red">{add.error.message}</Alert>}
      {add.data?.initialPassword && (
        <Alert color="yellow" title="First password: give it to them now, it is shown only once">
          {add.data.person.email} · <Code>{add.data.initialPassword}</Code>
        </Alert>
      )}
      {add.data && !add.data.initialPassword && (
        <Alert color="green">{add.data.person.email} already had an account and now belongs to this realm.</Alert>
      )}
    </SectionPage>
  );
}
