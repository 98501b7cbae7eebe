import { Alert, Button, Center, Stack, Title } from '@mantine/core';
import { useRouteError } from 'react-router';

/** Shown when rendering a route throws, e.g. a lazily loaded section failed to download. */
export default function RouteErrorPage() {
  const error = useRouteError();
  const detail = error instanceof Error ? error.message : 'An unexpected error occurred.';
  return (
    <Center mih="100vh" p="md">
      <Stack maw={480} gap="md">
        <Title order={1}>Something went wrong</Title>
        <Alert color="red" title="This page could not be shown">
          {detail}
        </Alert>
        <Button onClick={() => window.location.reload()}>Reload</Button>
      </Stack>
    </Center>
  );
}
