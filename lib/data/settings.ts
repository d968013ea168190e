import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { getViewer, type Member } from '@/lib/data/members';
import { isUuid } from '@/lib/uuid';

/** The member a settings page is for: anyone else is sent away, and another workspace's settings do not exist. */
export async function settingsViewer(params: Promise<{ workspaceId: string }>): Promise<Member> {
  const { workspaceId } = await params;
  if (!isUuid(workspaceId)) notFound();
  const viewer = await getViewer(workspaceId.toLowerCase());
  if (viewer.kind === 'anonymous') redirect('/login');
  if (viewer.kind === 'outsider') redirect('/inbox');
  if (viewer.kind === 'elsewhere') notFound();
  return viewer;
}
