import { SectionPage } from '../../app/SectionPage';

export default function SettingsPage() {
  return (
    <SectionPage
      title="Settings"
      summary="Settings that apply to your whole realm appear here."
    />
  );
}
