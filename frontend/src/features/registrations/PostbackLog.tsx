import { Badge, Code, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { QueryTable } from '../../components/DataTable';

/** A registration's postback settings as the API shows them (never the password). */
export interface PostbackSettings {
  url: string;
  authType: string;
  userName: string;
  resultsFormat: string;
  passwordSet: boolean;
}

/** One delivery attempt of the registration's postback. */
export interface PostbackAttempt {
  attempt: number;
  at: string;
  url: string;
  outcome: 'DELIVERED' | 'FAILED' | 'GAVE_UP';
  status: number | null;
  error: string | null;
  seconds: number;
  version: number | null;
  nextAttemptAt: string | null;
}

export interface PostbackLogData {
  postBack: PostbackSettings | null;
  attempts: PostbackAttempt[];
}

const OUTCOME_COLOR = { DELIVERED: 'green', FAILED: 'orange', GAVE_UP: 'red' } as const;

export const postbacksApi = {
  log: (registrationId: string, signal?: AbortSignal) =>
    api.get<PostbackLogData>(`/api/app/registrations/${encodeURIComponent(registrationId)}/postbacks`, signal),
};

/** The registration page's Postbacks section: where results go and every delivery attempt. */
export function PostbackLog({ registrationId }: { registrationId: string }) {
  const log = useQuery({
    queryKey: ['postbacks', registrationId],
    queryFn: ({ signal }) => postbacksApi.log(registrationId, signal),
  });
  const settings = log.data?.postBack;
  return (
    <Stack gap="xs">
      <Title order={3}>Postbacks</Title>
      {log.isSuccess && !settings && <Text size="sm">No postback is set for this registration.</Text>}
      {settings && (
        <Text size="sm">
          Results ({settings.resultsFormat}) go to <Code>{settings.url}</Code>
          {settings.authType !== 'UNDEFINED' && ` with ${settings.authType} credentials of ${settings.userName}`}.
        </Text>
      )}
      <QueryTable
        query={log}
        label="Postback deliveries"
        rows={log.data?.attempts}
        rowKey={(a) => `${a.at}-${a.attempt}`}
        empty={settings ? 'Nothing delivered yet: a postback is sent when the results change.' : undefined}
        columns={[
          { header: 'Attempt', cell: (a) => a.attempt },
          { header: 'Time', cell: (a) => new Date(a.at).toLocaleString() },
          { header: 'Outcome', cell: (a) => <Badge color={OUTCOME_COLOR[a.outcome]}>{a.outcome}</Badge> },
          { header: 'HTTP status', cell: (a) => a.status ?? '–' },
          { header: 'Error', cell: (a) => a.error ?? '' },
          { header: 'Next attempt', cell: (a) => (a.nextAttemptAt ? new Date(a.nextAttemptAt).toLocaleString() : '') },
        ]}
      />
    </Stack>
  );
}
