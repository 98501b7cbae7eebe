import { configure, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppProviders, createQueryClient } from '../../app/providers';
import { jsonResponse, stubFetch } from '../../test/utils';
import { QuestionAnalysis } from './QuestionAnalysis';

configure({ asyncUtilTimeout: 10_000 });

const QUESTION = {
  activity: 'item_1', type: 'choice', attempts: 3, correct: 1, wrong: 2, correctRate: 1 / 3,
};

function renderAnalysis(from = '', to = '') {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  return render(
    <AppProviders queryClient={queryClient}>
      <QuestionAnalysis courseId="golf club" from={from} to={to} />
    </AppProviders>,
  );
}

describe('QuestionAnalysis', () => {
  it('lists each interaction with attempts, % correct and the common wrong answers, escaped', async () => {
    stubFetch({
      'GET /api/app/reportage/course/golf%20club/questions?from=2026-01-01': () =>
        jsonResponse(200, {
          courseId: 'golf club', from: '2026-01-01', to: '2026-03-31',
          questions: [
            { ...QUESTION, id: 'q1', description: 'Which <club> for a putt?', wrongAnswers: [{ response: '<b>driver</b>', count: 2 }], otherWrong: 0 },
            { ...QUESTION, id: 'q2', description: '', attempts: 4, correct: 4, wrong: 0, correctRate: 1, wrongAnswers: [], otherWrong: 0 },
            { ...QUESTION, id: 'q3', description: 'Free text', attempts: 30, correct: 0, wrong: 30, correctRate: 0, wrongAnswers: [{ response: '', count: 5 }], otherWrong: 25 },
          ],
        }),
    });
    renderAnalysis('2026-01-01');
    const table = await screen.findByRole('table', { name: 'Question analysis' });
    const [header, q1, q2, q3] = within(table).getAllByRole('row') as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];
    expect(within(header).getAllByRole('columnheader').map((c) => c.textContent)).toEqual([
      'Interaction', 'Description', 'Type', 'Attempts', '% correct', 'Common wrong answers',
    ]);
    expect(within(q1).getAllByRole('cell').map((c) => c.textContent)).toEqual([
      'q1', 'Which <club> for a putt?', 'choice', '3', '33%', '<b>driver</b> × 2',
    ]);
    expect(within(q1).getByText('<b>driver</b> × 2')).toBeInTheDocument(); // shown as text, not markup
    expect(q2).toHaveTextContent('100%');
    expect(q3).toHaveTextContent('(no response) × 5');
    expect(q3).toHaveTextContent('other × 25');
    expect(screen.getByRole('link', { name: 'Download question analysis CSV' })).toHaveAttribute(
      'href', '/api/app/reportage/course/golf%20club/questions?from=2026-01-01&format=csv',
    );
  });

  it('says so when nothing was answered, and shows an error the server names', async () => {
    stubFetch({
      'GET /api/app/reportage/course/golf%20club/questions': () =>
        jsonResponse(200, { courseId: 'golf club', from: '2025-10-01', to: '2026-01-01', questions: [] }),
      'GET /api/app/reportage/course/golf%20club/questions?to=2020-01-01': () =>
        jsonResponse(404, { message: "There is no course 'golf club'." }),
    });
    const first = renderAnalysis();
    expect(await screen.findByText('No answered questions in this date range.')).toBeInTheDocument();
    first.unmount();
    renderAnalysis('', '2020-01-01');
    expect(await screen.findByText("There is no course 'golf club'.")).toBeInTheDocument();
  });
});
