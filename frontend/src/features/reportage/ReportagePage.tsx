import { SectionPage } from '../../app/SectionPage';
import { ReportView } from './ReportView';

/** Reportage: what learners did over a date range (the last 90 days unless chosen), by course,
 * learner, invitation or destination, with charts, a drill-down table and CSV export. */
export default function ReportagePage() {
  return (
    <SectionPage title="Reportage" summary="Registrations, completions, pass rate and scores over time, by course, learner, invitation and destination.">
      <ReportView />
    </SectionPage>
  );
}
