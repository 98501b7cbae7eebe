import { Alert, Anchor, List, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { QueryTable, type Column } from '../../components/DataTable';
import { invitationsApi, type OutboxMessage } from './api';

const COLUMNS: Column<OutboxMessage>[] = [
  { header: 'To', cell: (m) => m.to },
  { header: 'Subject', cell: (m) => m.subject },
  {
    header: 'Invitation',
    cell: (m) => (
      <Anchor component={Link} to={`/invitations/${encodeURIComponent(m.invitationId)}`}>
        {m.invitationId}
      </Anchor>
    ),
  },
  { header: 'File', cell: (m) => `${m.number}.eml` },
  { header: 'Sent', cell: (m) => (m.date ? new Date(m.date).toLocaleString() : '') },
  {
    header: 'Links',
    cell: (m) => (
      <List size="sm">
        {m.links.map((link) => (
          <List.Item key={link}>
            <Anchor href={link} target="_blank" rel="noreferrer">
              {link}
            </Anchor>
          </List.Item>
        ))}
      </List>
    ),
  },
];

/** Local mode: the invitation emails written to $NIMBUS_HOME/outbox, with their links. */
export default function OutboxPage() {
  const query = useQuery({ queryKey: ['invitations', 'outbox'], queryFn: ({ signal }) => invitationsApi.outbox(signal) });
  return (
    <SectionPage title="Outbox" summary="Invitation emails written to files by the local stack, newest first.">
      <Anchor component={Link} to="/invitations">
        ← Invitations
      </Anchor>
      {query.data && !query.data.enabled ? (
        <Alert>Emails go through Amazon SES in this deployment; there is no local outbox.</Alert>
      ) : (
        <Stack>
          <Text size="sm" c="dimmed">
            Each message is an RFC 5322 file in $NIMBUS_HOME/outbox/&lt;invitationId&gt;/&lt;n&gt;.eml.
          </Text>
          <QueryTable
            label="Outbox"
            query={query}
            rows={query.data?.messages}
            rowKey={(m) => `${m.invitationId}/${m.number}`}
            columns={COLUMNS}
            empty="No emails yet."
          />
        </Stack>
      )}
    </SectionPage>
  );
}
