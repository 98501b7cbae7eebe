import { SectionPage } from '../../app/SectionPage';

export default function PeoplePage() {
  return (
    <SectionPage
      title="People"
      summary="Learners and administrators in your realm appear here."
    />
  );
}
