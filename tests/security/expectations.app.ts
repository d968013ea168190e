/**
 * The app's and the realtime server's surfaces, and what each role may do with them (see expectations.ts for
 * the roles). Route and action rules are data; routes.test.ts, actions.test.ts, realtime.test.ts and
 * pages.e2e.test.ts carry them out.
 */
import type { Role } from './world.ts';

export type Expect = Record<Role, number | number[]>;

export interface RouteRule {
  /** Who the caller is matters (a member's route), or only a Twilio signature does (a webhook). */
  auth: 'member' | 'twilio' | 'public';
  /** The status each role gets for a well-formed request at distributor A's resource. */
  expect: Expect;
}

const memberRoute = (ok: number): Expect => ({ anon: 401, memberA: ok, memberB: 404, outsider: 404, service: 401 });
// A webhook trusts the signature alone: a bearer token, whoever's, is no signature.
const webhook: Expect = { anon: 403, memberA: 403, memberB: 403, outsider: 403, service: 403 };

export const ROUTES: Record<string, RouteRule> = {
  'GET /api/health': { auth: 'public', expect: { anon: 200, memberA: 200, memberB: 200, outsider: 200, service: 200 } },
  'GET /api/media/[messageId]/[index]': { auth: 'member', expect: memberRoute(200) },
  'POST /api/conversations/[id]/messages': { auth: 'member', expect: memberRoute(201) },
  'POST /api/twilio/inbound': { auth: 'twilio', expect: webhook },
  'POST /api/twilio/status': { auth: 'twilio', expect: webhook },
  // a cron's route: it exists only where RECONCILE_SECRET is set, and then answers only that bearer
  'POST /api/twilio/reconcile': { auth: 'public', expect: { anon: 404, memberA: 404, memberB: 404, outsider: 404, service: 404 } },
};

export interface ActionRule {
  /** What the action is for whom: signing in is open to anyone with credentials; signing out to anyone. */
  description: string;
}
export const ACTIONS: Record<string, ActionRule> = {
  'lib/actions/auth.ts#signIn': { description: 'anyone with valid credentials; redirects only to a same-origin path' },
  'lib/actions/auth.ts#signOut': { description: 'ends the caller\u2019s own session only, then /login' },
  'lib/actions/auth.ts#confirmLink': { description: 'whoever holds a mailed one-time token (Auth verifies it, once): that account\u2019s session; redirects only into this app' },
  'lib/actions/auth.ts#requestPasswordReset': { description: 'anyone: Auth mails a reset link to the address if it has an account; the answer is the same either way' },
  'lib/actions/auth.ts#setPassword': { description: 'the signed-in user, for their own account only (Auth\u2019s updateUser with their session)' },
  'lib/actions/workspace.ts#signUp': { description: 'anyone: a new account (Auth decides on confirmation); redirects only to a same-origin path' },
  'lib/actions/workspace.ts#createWorkspace': { description: 'any signed-in user: a workspace they own (rate-limited in the database)' },
  'lib/actions/workspace.ts#renameWorkspace': { description: 'admins of that workspace (RLS on distributors); others change no row' },
  'lib/actions/workspace.ts#inviteMember': { description: 'admins of that workspace (create_invitation checks the role); only then is the invitation mailed, by Supabase Auth' },
  'lib/actions/workspace.ts#revokeInvitation': { description: 'admins of the invitation\u2019s workspace; to others it does not exist' },
  'lib/actions/workspace.ts#acceptInvitation': { description: 'the signed-in user whose address was invited, once, before it expires' },
  'lib/actions/workspace.ts#changeMemberRole': { description: 'admins; never the owner\u2019s role' },
  'lib/actions/workspace.ts#removeMember': { description: 'admins, or members removing themselves; never the owner' },
  'lib/actions/workspace.ts#transferOwnership': { description: 'the owner only, to a current member' },
  'lib/actions/workspace.ts#deleteWorkspace': { description: 'the owner only, with the workspace\u2019s name typed' },
  'lib/actions/senders.ts#saveSender': { description: 'admins (asked as themselves); stored by the service role only after Twilio accepted the credentials, naming the verified caller' },
  'lib/actions/senders.ts#recheckSender': { description: 'admins of the sender\u2019s workspace; credentials read by the service role only for a sender of that workspace' },
  'lib/actions/senders.ts#reconcileSender': { description: 'admins of the sender\u2019s workspace; the sender\u2019s credentials are read by the service role only after that, for a sender of that workspace' },
  'lib/actions/senders.ts#deleteSender': { description: 'admins (delete_whatsapp_sender checks), and only a sender without conversations' },
  'lib/actions/senders.ts#syncTemplates': { description: 'admins of that workspace; one Content API sync per Twilio account of its senders' },
};

/**
 * Pages: what the HTML answer is for each role (status after following no redirect). `to-workspace`: a 307 into the
 * role's own workspace (/w/<its id>/…); `not-found`: a 404, as for a workspace that does not exist.
 */
export type PageOutcome = 'login' | 'ok' | 'no-team' | 'not-found' | 'to-inbox' | 'to-workspace';
export interface PageRule {
  /** A concrete URL for the pattern, given A's workspace and one of its conversations. */
  url(a: { workspace: string; conversation: string }): string;
  expect: Record<Exclude<Role, 'service'>, PageOutcome>;
}
// a workspace's own pages: its members only; to anyone else it does not exist
const workspacePage = (url: PageRule['url']): PageRule => ({ url, expect: { anon: 'login', memberA: 'ok', memberB: 'not-found', outsider: 'to-inbox' } });
export const PAGES: Record<string, PageRule> = {
  '/': { url: () => '/', expect: { anon: 'login', memberA: 'ok', memberB: 'ok', outsider: 'ok' } },
  '/login': { url: () => '/login', expect: { anon: 'ok', memberA: 'to-inbox', memberB: 'to-inbox', outsider: 'to-inbox' } },
  '/signup': { url: () => '/signup', expect: { anon: 'ok', memberA: 'to-inbox', memberB: 'to-inbox', outsider: 'to-inbox' } },
  // an invitation link says what it is for to whoever holds it; an unknown token says nothing
  '/invite/[token]': { url: () => `/invite/${'x'.repeat(43)}`, expect: { anon: 'ok', memberA: 'ok', memberB: 'ok', outsider: 'ok' } },
  // where mailed links lead: a button that spends the token, for anyone holding the link
  '/auth/confirm': { url: () => `/auth/confirm?token_hash=${'f'.repeat(56)}&type=invite&next=%2Finbox`, expect: { anon: 'ok', memberA: 'ok', memberB: 'ok', outsider: 'ok' } },
  '/reset-password': { url: () => '/reset-password', expect: { anon: 'ok', memberA: 'ok', memberB: 'ok', outsider: 'ok' } },
  '/account/password': { url: () => '/account/password', expect: { anon: 'login', memberA: 'ok', memberB: 'ok', outsider: 'ok' } },
  '/inbox': { url: () => '/inbox', expect: { anon: 'login', memberA: 'to-workspace', memberB: 'to-workspace', outsider: 'no-team' } },
  // an older deep link: into the conversation's own workspace for its members, the caller's own (where it is not) for others
  '/inbox/[conversationId]': { url: (a) => `/inbox/${a.conversation}`, expect: { anon: 'login', memberA: 'to-workspace', memberB: 'to-workspace', outsider: 'to-inbox' } },
  '/inbox/diagnostics': { url: () => '/inbox/diagnostics', expect: { anon: 'login', memberA: 'to-workspace', memberB: 'to-workspace', outsider: 'to-inbox' } },
  '/inbox/new-workspace': { url: () => '/inbox/new-workspace', expect: { anon: 'login', memberA: 'ok', memberB: 'ok', outsider: 'ok' } },
  '/w/[workspaceId]/inbox': workspacePage((a) => `/w/${a.workspace}/inbox`),
  '/w/[workspaceId]/inbox/[conversationId]': workspacePage((a) => `/w/${a.workspace}/inbox/${a.conversation}`),
  '/w/[workspaceId]/inbox/diagnostics': workspacePage((a) => `/w/${a.workspace}/inbox/diagnostics`),
  '/w/[workspaceId]/settings/members': workspacePage((a) => `/w/${a.workspace}/settings/members`),
  '/w/[workspaceId]/settings/senders': workspacePage((a) => `/w/${a.workspace}/settings/senders`),
  '/w/[workspaceId]/settings/templates': workspacePage((a) => `/w/${a.workspace}/settings/templates`),
  '/w/[workspaceId]/settings/workspace': workspacePage((a) => `/w/${a.workspace}/settings/workspace`),
};

/**
 * Realtime client events. `private` is what each role gets joining distributor A's private channel
 * (`distributor:<A>`); the event rules say what may be done on it.
 */
export const REALTIME_EVENTS: Record<string, { description: string }> = {
  phx_join: { description: 'private distributor:<A>: memberA and service join; anon, memberB, outsider are refused' },
  phx_leave: { description: 'leaves the caller\u2019s own channel only' },
  heartbeat: { description: 'anyone connected' },
  access_token: { description: 'a token that no longer grants the topic closes the channel; a forged one is refused' },
  broadcast: { description: 'only on a joined channel; never reaches another distributor\u2019s channel' },
  presence: { description: 'only on a joined channel; never visible to another distributor' },
};
export const PRIVATE_JOIN: Record<Role, 'ok' | 'refused'> = { anon: 'refused', memberA: 'ok', memberB: 'refused', outsider: 'refused', service: 'ok' };

/** postgres_changes filter operators: each is tried with values built to escape, on a row of A's. */
export const REALTIME_FILTER_OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'is', 'isdistinct', 'like', 'ilike', 'match', 'imatch'];
