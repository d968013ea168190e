import type { Metadata } from 'next';
import { Diagnostics } from '@/components/inbox/diagnostics';

export const metadata: Metadata = { title: 'Diagnostics' };

export default function DiagnosticsPage() {
  return <Diagnostics />;
}
