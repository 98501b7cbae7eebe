import { SectionPage } from '../../app/SectionPage';

export default function InvitationsPage() {
  return (
    <SectionPage
      title="Invitations"
      summary="Invitations that let people register for and launch a course appear here."
    />
  );
}
