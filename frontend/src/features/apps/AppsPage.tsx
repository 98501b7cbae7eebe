import { SectionPage } from '../../app/SectionPage';

export default function AppsPage() {
  return (
    <SectionPage
      title="Apps"
      summary="API applications and the keys they use to integrate with Nimbus appear here."
    />
  );
}
