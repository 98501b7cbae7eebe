import type { ReactNode } from 'react';
import { Alert, Loader, Table, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';

/** One column of a {@link DataTable}: its header and how a row shows in it. */
export interface Column<Row> {
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Stable key when the header is not a plain string. */
  key?: string;
}

interface QueryStateProps {
  query: Pick<UseQueryResult, 'isPending' | 'isError' | 'error'>;
  /** What is being loaded, for the loader's accessible name ("Loading courses"). */
  what: string;
}

/** The loading and error shapes every page shows while its query is not yet ready. */
export function QueryState({ query, what }: QueryStateProps) {
  if (query.isError) return <Alert color="red">{query.error?.message ?? `Could not load ${what}.`}</Alert>;
  if (query.isPending) return <Loader size="sm" aria-label={`Loading ${what}`} />;
  return null;
}

interface DataTableProps<Row> {
  /** Accessible name of the table ("Courses"). */
  label: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
}

/** A table of rows with named columns; `empty` when there is nothing to list. */
export function DataTable<Row>({ label, columns, rows, rowKey, empty }: DataTableProps<Row>) {
  if (rows.length === 0) return empty === undefined ? null : <Text>{empty}</Text>;
  return (
    <Table aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((column, index) => (
            <Table.Th key={column.key ?? (typeof column.header === 'string' ? column.header : index)}>
              {column.header}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={rowKey(row)}>
            {columns.map((column, index) => (
              <Table.Td key={column.key ?? (typeof column.header === 'string' ? column.header : index)}>
                {column.cell(row)}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

interface QueryTableProps<Row> extends Omit<DataTableProps<Row>, 'rows'> {
  query: Pick<UseQueryResult, 'isPending' | 'isError' | 'error' | 'isSuccess'>;
  rows: Row[] | undefined;
}

/** The page shape repeated across the app: loader, then error or a table (or its empty text). */
export function QueryTable<Row>({ query, rows, label, ...table }: QueryTableProps<Row>) {
  if (!query.isSuccess) return <QueryState query={query} what={label.toLowerCase()} />;
  return <DataTable label={label} rows={rows ?? []} {...table} />;
}
