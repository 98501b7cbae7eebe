import { Anchor, Badge } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from 'react-router';
import { QueryTable, type Column } from '../../components/DataTable';
import { reportColumn } from '../reportage/reportColumn';
import { invitationState, type Invitation } from './api';

const COLUMNS: Column<Invitation>[] = [
  {
    header: 'Invitation',
    cell: (inv) => (
      <Anchor component={Link} to={`/invitations/${encodeURIComponent(inv.id)}`}>
        {inv.id}
      </Anchor>
    ),
  },
  { header: 'Kind', cell: (inv) => <Badge variant="light">{inv.kind === 'public' ? 'Public' : 'Private'}</Badge> },
  { header: 'Course', cell: (inv) => inv.courseTitle || inv.courseId },
  {
    header: 'Registrations',
    cell: (inv) => (inv.registrationCap ? `${inv.registrationCount} / ${inv.registrationCap}` : inv.registrationCount),
  },
  {
    header: 'State',
    cell: (inv) => {
      const state = invitationState(inv);
      return <Badge color={state ? 'gray' : 'green'}>{state ?? 'Open'}</Badge>;
    },
  },
  { header: 'Expires', cell: (inv) => (inv.expirationDate ? new Date(inv.expirationDate).toLocaleString() : 'Never') },
  { header: 'Created', cell: (inv) => new Date(inv.createDate).toLocaleString() },
  reportColumn<Invitation>('invitation', (inv) => inv.id, (inv) => `Reportage of invitation ${inv.id}`),
];

interface InvitationTableProps {
  query: Pick<UseQueryResult, 'isPending' | 'isError' | 'error' | 'isSuccess'>;
  rows: Invitation[] | undefined;
  empty?: string;
}

/** Invitations as a table (the Invitations tab and a course's page). */
export function InvitationTable({ query, rows, empty = 'No invitations yet.' }: InvitationTableProps) {
  return (
    <QueryTable label="Invitations" query={query} rows={rows} rowKey={(inv) => inv.id} columns={COLUMNS} empty={empty} />
  );
}
