import type { ReactNode } from 'react';
import { Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { PRODUCT_NAME } from './navigation';

interface SectionPageProps {
  title: string;
  summary: string;
  children?: ReactNode;
}

/** Common frame for a top-level section: an h1 and a one-line summary. */
export function SectionPage({ title, summary, children }: SectionPageProps) {
  useDocumentTitle(`${title} · ${PRODUCT_NAME}`);
  return (
    <Stack gap="md">
      <Title order={1}>{title}</Title>
      <Text c="dimmed">{summary}</Text>
      {children}
    </Stack>
  );
}
