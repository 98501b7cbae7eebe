import { SectionPage } from '../../app/SectionPage';

export default function ReportagePage() {
  return (
    <SectionPage
      title="Reportage"
      summary="Reports on learner progress, completion and scores appear here."
    />
  );
}
