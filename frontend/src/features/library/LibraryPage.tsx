import { SectionPage } from '../../app/SectionPage';

export default function LibraryPage() {
  return <SectionPage title="Library" summary="Courses you import appear here." />;
}
