/** The app's URLs for a workspace: the open workspace is always in the path. */
export const workspacePath = (workspaceId: string) => `/w/${workspaceId}`;
export const inboxPath = (workspaceId: string, conversationId?: string | null) => `/w/${workspaceId}/inbox${conversationId ? `/${conversationId}` : ''}`;
export const settingsPath = (workspaceId: string, page: 'members' | 'senders' | 'templates' | 'workspace' = 'members') => `/w/${workspaceId}/settings/${page}`;

/** The conversation open in an inbox URL (`/w/<workspace>/inbox/<conversation>`), or null. */
export function conversationInPath(pathname: string): string | null {
  const m = /^\/w\/[^/]+\/inbox\/([0-9a-f-]{36})(?:\/|$)/i.exec(pathname);
  return m ? m[1]!.toLowerCase() : null;
}
