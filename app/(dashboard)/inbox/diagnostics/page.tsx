import { redirect } from 'next/navigation';
import { getViewer } from '@/lib/data/members';
import { inboxPath } from '@/lib/paths';

/** /inbox/diagnostics: the first workspace's diagnostics. */
export default async function LegacyDiagnostics() {
  const viewer = await getViewer();
  if (viewer.kind === 'anonymous') redirect('/login');
  if (viewer.kind !== 'member') redirect('/inbox');
  redirect(`${inboxPath(viewer.distributor.id)}/diagnostics`);
}
