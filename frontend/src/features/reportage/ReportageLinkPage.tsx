import { Alert, AppShell, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { PRODUCT_NAME } from '../../app/navigation';
import { LINK_REPORTS, reportageApi, type ReportKind } from './api';
import { ReportView } from './ReportView';

/** The page a Reportage link opens (``/reportage/link``): the reports of the link's realm, read
 * with the reports-only session the link opened; nothing else of the web app. ``navPermission``
 * decides what may be changed: NONAV the date range only, DOWNONLY also drill down, FREENAV any
 * report. */
export default function ReportageLinkPage() {
  useDocumentTitle(`Reportage · ${PRODUCT_NAME}`);
  const [params] = useSearchParams();
  const session = useQuery({ queryKey: ['reportage-link-session'], queryFn: ({ signal }) => reportageApi.linkSession(signal), retry: false });
  const ended = session.error instanceof ApiError && session.error.status === 401;
  const linked = session.data;
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Text fw={700} size="lg" c="blue">
            {PRODUCT_NAME} Reportage
          </Text>
          {linked && <Text size="sm">{linked.realm.name}</Text>}
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Stack gap="md">
          <Title order={1}>Reportage</Title>
          {session.isPending && (
            <Center py="xl" role="status" aria-label="Loading session">
              <Loader />
            </Center>
          )}
          {ended && (
            <Alert color="yellow" title="This Reportage session has ended">
              Reportage links open once and their sessions last an hour. Open a new link from your system.
            </Alert>
          )}
          {session.isError && !ended && <Alert color="red">{session.error.message}</Alert>}
          {linked && (
            <ReportView
              base={LINK_REPORTS}
              initial={{
                report: (params.get('report') as ReportKind | null) ?? linked.report,
                key: params.get('key') ?? linked.key,
                from: params.get('from') ?? '',
                to: params.get('to') ?? '',
              }}
              canChoose={linked.nav === 'FREENAV'}
              canDrill={linked.nav !== 'NONAV'}
              withAppLinks={false}
            />
          )}
        </Stack>
      </AppShell.Main>
    </AppShell>
  );
}
