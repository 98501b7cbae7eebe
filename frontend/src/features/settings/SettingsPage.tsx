import { useEffect, useState } from 'react';
import { Alert, Button, Group, NumberInput, Stack, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { SectionPage } from '../../app/SectionPage';
import { SignInSettings } from './SignInSettings';

interface Lockout {
  lockoutAttempts: number;
  lockoutMinutes: number;
}

function LockoutSettings() {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ['realm-settings'],
    queryFn: ({ signal }) => api.get<Lockout>('/api/realm/settings', signal),
  });
  const [draft, setDraft] = useState<Lockout | null>(null);
  useEffect(() => {
    if (query.data) setDraft(query.data);
  }, [query.data]);
  const save = useMutation({
    mutationFn: (value: Lockout) => api.put<Lockout>('/api/realm/settings', value),
    onSuccess: (value) => queryClient.setQueryData(['realm-settings'], value),
  });
  if (query.isError) return <Alert color="red">{query.error.message}</Alert>;
  if (!draft) return null;
  return (
    <Stack gap="xs" maw={420}>
      <Title order={2} size="h4">
        Sign-in lockout
      </Title>
      {save.isError && <Alert color="red">{save.error.message}</Alert>}
      {save.isSuccess && <Alert color="green">Lockout settings saved.</Alert>}
      <NumberInput
        label="Failed sign-ins before lockout"
        min={1}
        max={100}
        value={draft.lockoutAttempts}
        onChange={(value) => setDraft({ ...draft, lockoutAttempts: Number(value) })}
      />
      <NumberInput
        label="Lockout time (minutes)"
        min={1}
        max={1440}
        value={draft.lockoutMinutes}
        onChange={(value) => setDraft({ ...draft, lockoutMinutes: Number(value) })}
      />
      <Group>
        <Button onClick={() => save.mutate(draft)} loading={save.isPending}>
          Save lockout settings
        </Button>
      </Group>
    </Stack>
  );
}

export default function SettingsPage() {
  return (
    <SectionPage title="Settings" summary="Your sign-in details and your realm's sign-in policy.">
      <SignInSettings />
      <LockoutSettings />
    </SectionPage>
  );
}
