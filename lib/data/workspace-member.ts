import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { getViewer, type Member } from '@/lib/data/members';
import { isUuid } from '@/lib/uuid';

/**
 * The member a /w/<workspace>/… page (inbox or settings) is for: without a session to /login, without a workspace to
 * /inbox (create one), and another workspace's pages do not exist.
 */
export async function workspaceMember(params: Promise<{ workspaceId: string }>): Promise<Member> {
  const { workspaceId } = await params;
  if (!isUuid(workspaceId)) notFound();
  const viewer = await getViewer(workspaceId.toLowerCase());
  if (viewer.kind === 'anonymous') redirect('/login');
  if (viewer.kind === 'outsider') redirect('/inbox');
  if (viewer.kind === 'elsewhere') notFound();
  return viewer;
}
