import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { Link } from 'react-router';
import { HOME_PATH, PRODUCT_NAME } from './navigation';

export default function NotFoundPage() {
  useDocumentTitle(`Page not found · ${PRODUCT_NAME}`);
  return (
    <Stack gap="md">
      <Title order={1}>Page not found</Title>
      <Text c="dimmed">There is nothing at this address.</Text>
      <Anchor component={Link} to={HOME_PATH}>
        Back to Library
      </Anchor>
    </Stack>
  );
}
