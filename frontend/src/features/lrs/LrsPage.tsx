import { SectionPage } from '../../app/SectionPage';

export default function LrsPage() {
  return (
    <SectionPage
      title="LRS"
      summary="xAPI statements and the credentials of the built-in Learning Record Store appear here."
    />
  );
}
