import { useSearchParams } from 'react-router';
import { SectionPage } from '../../app/SectionPage';
import { queryFromParams, reportageParams } from './api';
import { ReportView } from './ReportView';

/** Reportage: what learners did over a date range (the last 90 days unless chosen), by course,
 * learner, invitation or destination, with charts, a drill-down table and CSV export. The report
 * shown is the page's address (``/reportage?report=course&key=…&from=…&to=…&table=…``; the
 * overview without one), so a report can be linked to — the course page, People, invitations,
 * destinations and registrations link here — and the back button returns to the previous one. */
export default function ReportagePage() {
  const [params, setParams] = useSearchParams();
  return (
    <SectionPage title="Reportage" summary="Registrations, completions, pass rate and scores over time, by course, learner, invitation and destination.">
      <ReportView value={queryFromParams(params)} onChange={(next, replace) => setParams(reportageParams(next), { replace })} />
    </SectionPage>
  );
}
