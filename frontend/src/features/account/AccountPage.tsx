import { SectionPage } from '../../app/SectionPage';

export default function AccountPage() {
  return <SectionPage title="Account" summary="Your profile and password appear here." />;
}
