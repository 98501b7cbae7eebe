import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from '../../api/client';
import { sessionQueryKey } from '../auth/session';

/** Change your password or sign-in email; both need your current password. */
export function SignInSettings() {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [email, setEmail] = useState('');
  const [emailPassword, setEmailPassword] = useState('');
  const password = useMutation({
    mutationFn: () => api.put('/api/me/password', { currentPassword: current, newPassword: next }),
    onSuccess: () => {
      setCurrent('');
      setNext('');
    },
  });
  const changeEmail = useMutation({
    mutationFn: () =>
      api.put<{ email: string; csrfToken: string }>('/api/me/email', {
        email,
        currentPassword: emailPassword,
      }),
    onSuccess: (result) => {
      setCsrfToken(result.csrfToken);
      setEmailPassword('');
      void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    },
  });
  const submit = (run: () => void) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    run();
  };
  return (
    <Stack gap="lg">
      <form onSubmit={submit(() => password.mutate())} aria-label="Change password">
        <Stack gap="xs" maw={420}>
          <Title order={2} size="h4">
            Password
          </Title>
          {password.isError && <Alert color="red">{password.error.message}</Alert>}
          {password.isSuccess && <Alert color="green">Your password was changed.</Alert>}
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            visibilityToggleButtonProps={{ 'aria-label': 'Show current' }}
          />
          <PasswordInput
            label="New password"
            description="At least 10 characters."
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            visibilityToggleButtonProps={{ 'aria-label': 'Show new' }}
          />
          <Group>
            <Button type="submit" loading={password.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
      <form onSubmit={submit(() => changeEmail.mutate())} aria-label="Change email">
        <Stack gap="xs" maw={420}>
          <Title order={2} size="h4">
            Sign-in email
          </Title>
          {changeEmail.isError && <Alert color="red">{changeEmail.error.message}</Alert>}
          {changeEmail.isSuccess && (
            <Alert color="green">You now sign in as {changeEmail.data.email}.</Alert>
          )}
          <TextInput
            label="New email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <PasswordInput
            label="Password to confirm"
            autoComplete="current-password"
            value={emailPassword}
            onChange={(e) => setEmailPassword(e.currentTarget.value)}
            visibilityToggleButtonProps={{ 'aria-label': 'Show confirmation' }}
          />
          <Group>
            <Button type="submit" loading={changeEmail.isPending}>
              Change email
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
