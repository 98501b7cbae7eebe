import { SectionPage } from '../../app/SectionPage';

export default function DispatchPage() {
  return (
    <SectionPage
      title="Dispatch"
      summary="Dispatch packages that deliver your courses through other learning management systems appear here."
    />
  );
}
