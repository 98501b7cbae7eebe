import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import type { Column } from '../../components/DataTable';
import { reportageHref, type ReportKind } from './api';

/** A list's "Report" column: a link to the row's Reportage report, named for screen readers. */
export function reportColumn<T>(report: ReportKind, key: (row: T) => string, label: (row: T) => string): Column<T> {
  return {
    header: 'Report',
    cell: (row) => (
      <Anchor component={Link} to={reportageHref({ report, key: key(row) })} aria-label={label(row)}>
        Report
      </Anchor>
    ),
  };
}
