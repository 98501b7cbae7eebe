import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { Navigate, useLocation, type Location } from 'react-router';
import { PRODUCT_NAME, SIGN_IN_PATH, homeFor } from '../../app/navigation';
import { useSession, useSignIn } from './session';

interface FieldErrors {
  email?: string;
  password?: string;
}

/** Where to go after signing in: the page the guard bounced us from, if it is one of ours. */
function destinationFrom(state: unknown): string | null {
  if (state !== null && typeof state === 'object' && 'from' in state) {
    const from = (state as { from?: Partial<Location> }).from;
    const pathname = from?.pathname;
    if (
      typeof pathname === 'string' &&
      pathname.startsWith('/') &&
      !pathname.startsWith('//') &&
      pathname !== SIGN_IN_PATH
    ) {
      return `${pathname}${from?.search ?? ''}${from?.hash ?? ''}`;
    }
  }
  return null;
}

function validate(email: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (email.trim() === '') errors.email = 'Email is required.';
  if (password === '') errors.password = 'Password is required.';
  return errors;
}

export default function SignInPage() {
  useDocumentTitle(`Sign in · ${PRODUCT_NAME}`);
  const location = useLocation();
  const session = useSession();
  const signIn = useSignIn();

  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});

  const destination = destinationFrom(location.state);

  // Already signed in (another tab, or the sign-in below just succeeded and
  // stored the session in the query cache): go where the user wanted to go.
  if (session.data) {
    return <Navigate to={destination ?? homeFor(session.data.user.role)} replace />;
  }

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validate(email, password);
    setErrors(found);
    if (found.email || found.password) return;
    signIn.mutate({ email: email.trim(), password });
  };

  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder shadow="sm" radius="md" p="xl" w="100%" maw={420}>
        <form onSubmit={handleSubmit} noValidate aria-labelledby="signin-title">
          <Stack gap="md">
            <div>
              <Text fw={700} size="xl" c="blue">
                {PRODUCT_NAME}
              </Text>
              <Title order={1} id="signin-title" size="h2">
                Sign in
              </Title>
            </div>

            {signIn.isError && (
              <Alert color="red" title="Could not sign in">
                {signIn.error.message}
              </Alert>
            )}

            <TextInput
              label="Email"
              type="email"
              name="email"
              autoComplete="username"
              value={email}
              onChange={(event) => {
                setEmail(event.currentTarget.value);
                if (errors.email) setErrors((prev) => ({ ...prev, email: undefined }));
              }}
              error={errors.email}
              autoFocus
            />
            <PasswordInput
              label="Password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => {
                setPassword(event.currentTarget.value);
                if (errors.password) setErrors((prev) => ({ ...prev, password: undefined }));
              }}
              error={errors.password}
              // TextInput sets aria-invalid itself; PasswordInput's inner input does not.
              aria-invalid={errors.password ? true : undefined}
              // Mantine's default label contains "password", which would make
              // label-based lookups of the Password field ambiguous.
              visibilityToggleButtonProps={{ 'aria-label': 'Show characters' }}
            />
            <Button type="submit" loading={signIn.isPending} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
