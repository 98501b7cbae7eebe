import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { TEST_SESSION, callsTo, jsonResponse, renderApp, stubFetch } from '../../test/utils';

const COURSE = {
  id: 'golf',
  title: 'Golf <Explained>',
  created: '2026-01-02T03:04:05.000Z',
  updated: '2026-01-02T03:04:05.000Z',
  version: 1,
  courseLearningStandard: 'SCORM20044THEDITION',
  tags: [],
};
const TREE = {
  externalIdentifier: 'org',
  itemIdentifier: 'org',
  resourceIdentifier: '',
  activityType: 'AGGREGATION',
  href: '',
  title: 'Golf <Explained>',
  children: [
    {
      externalIdentifier: 'i1',
      itemIdentifier: 'i1',
      resourceIdentifier: 'r1',
      activityType: 'SCO',
      href: 'lesson1/index.html',
      title: 'Putting',
      children: [],
    },
  ],
};

describe('Library', () => {
  it('lists the courses with their standard and links to each course page', async () => {
    stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/courses?orderBy=updated_desc': () =>
        jsonResponse(200, {
          courses: [COURSE],
          more: null,
          total: 1,
          storage: { bytesExpanded: 2048, courses: 1, versions: 2 },
        }),
    });
    renderApp('/library');
    const table = await screen.findByRole('table', { name: 'Courses' });
    const link = within(table).getByRole('link', { name: 'Golf <Explained>' });
    expect(link).toHaveAttribute('href', '/library/golf');
    expect(within(table).getByRole('link', { name: 'Reportage of Golf <Explained>' })).toHaveAttribute(
      'href',
      '/reportage?report=course&key=golf',
    );
    expect(within(table).getByText('SCORM 2004 4th Edition')).toBeInTheDocument();
    expect(screen.getByText(/1 courses · 2.0 KB stored/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Upload' })).toBeDisabled();
  });

  it('shows a course page with its structure, warnings and versions, and deletes it', async () => {
    const fetchMock = stubFetch({
      'GET /api/session': () => jsonResponse(200, TEST_SESSION),
      'GET /api/app/invitations?courseId=golf': () => jsonResponse(200, { invitations: [], more: null, total: 0 }),
      'GET /api/app/courses/golf': () =>
        jsonResponse(200, {
          ...COURSE,
          rootActivity: TREE,
          metadata: { description: 'Learn to putt.' },
          previewLink: 'http://x/launch/preview/golf/1',
          versions: [
            { version: 0, created: COURSE.created, standard: 'SCORM12', title: 'Golf', sizeBytes: 10,
              fileCount: 3, warnings: [], importJobId: 'j0' },
            { version: 1, created: COURSE.created, standard: 'SCORM20044THEDITION', title: 'Golf',
              sizeBytes: 4096, fileCount: 5, warnings: ['Resource r2 launches x.html, which is not in the package.'],
              importJobId: 'j1' },
          ],
        }),
      'DELETE /api/app/courses/golf': () => jsonResponse(204),
      'GET /api/app/courses/golf/configuration': () => jsonResponse(200, { settingItems: [] }),
      'GET /api/app/courses?orderBy=updated_desc': () =>
        jsonResponse(200, { courses: [], more: null, total: 0, storage: { bytesExpanded: 0, courses: 0, versions: 0 } }),
    });
    const { user, router } = renderApp('/library/golf');
    const tree = await screen.findByRole('list', { name: 'Course structure' });
    expect(within(tree).getByText('Putting')).toBeInTheDocument();
    expect(within(tree).getByText('lesson1/index.html', { exact: false })).toBeInTheDocument();
    expect(screen.getByText('Learn to putt.')).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Import warnings' })).toHaveTextContent('not in the package');
    expect(within(screen.getByRole('table', { name: 'Versions' })).getAllByRole('row')).toHaveLength(3);
    // the course report (Reportage), a plain link
    expect(screen.getByRole('link', { name: 'Course report' })).toHaveAttribute('href', '/reportage?report=course&key=golf');

    vi.stubGlobal('confirm', () => true);
    await user.click(screen.getByRole('button', { name: 'Delete course' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/library'));
    const deletes = callsTo(fetchMock, 'DELETE /api/app/courses/golf');
    expect(deletes).toHaveLength(1);
    expect(new Headers(deletes[0]?.[1]?.headers).get('X-CSRF-Token')).toBe(TEST_SESSION.csrfToken);
  });
});
