import { render, screen } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { describe, expect, it } from 'vitest';
import { QueryTable, type Column } from './DataTable';

interface Row {
  id: string;
  title: string;
}

const columns: Column<Row>[] = [
  { header: 'Title', cell: (row) => row.title },
  { header: 'ID', cell: (row) => row.id },
];

function show(query: { isPending: boolean; isError: boolean; isSuccess: boolean; error: Error | null }, rows?: Row[]) {
  return render(
    <MantineProvider>
      <QueryTable query={query} rows={rows} label="Courses" columns={columns} rowKey={(r) => r.id} empty="None yet." />
    </MantineProvider>,
  );
}

describe('QueryTable', () => {
  it('shows a loader while the query runs', () => {
    show({ isPending: true, isError: false, isSuccess: false, error: null });
    expect(screen.getByLabelText('Loading courses')).toBeInTheDocument();
  });

  it('shows the error message when the query fails', () => {
    show({ isPending: false, isError: true, isSuccess: false, error: new Error('Realm not found') });
    expect(screen.getByRole('alert')).toHaveTextContent('Realm not found');
  });

  it('shows the empty text when there are no rows', () => {
    show({ isPending: false, isError: false, isSuccess: true, error: null }, []);
    expect(screen.getByText('None yet.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('lists rows under their columns', () => {
    show({ isPending: false, isError: false, isSuccess: true, error: null }, [
      { id: 'c1', title: 'Fire safety' },
      { id: 'c2', title: 'First aid' },
    ]);
    const table = screen.getByRole('table', { name: 'Courses' });
    const cells = Array.from(table.querySelectorAll('tbody td')).map((td) => td.textContent);
    expect(cells).toEqual(['Fire safety', 'c1', 'First aid', 'c2']);
  });
});
