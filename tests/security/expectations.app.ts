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
};

export interface ActionRule {
  /** What the action is for whom: signing in is open to anyone with credentials; signing out to anyone. */
  description: string;
}
export const ACTIONS: Record<string, ActionRule> = {
  'lib/actions/auth.ts#signIn': { description: 'anyone with valid credentials; redirects only to a same-origin path' },
  'lib/actions/auth.ts#signOut': { description: 'ends the caller\u2019s own session only, then /login' },
};

/** Pages: what the HTML answer is for each role (status after following no redirect). */
export interface PageRule {
  /** A concrete URL for the pattern, given A's conversation id. */
  url(conversationA: string): string;
  expect: Record<Exclude<Role, 'service'>, 'login' | 'ok' | 'no-team' | 'not-found' | 'to-inbox'>;
}
export const PAGES: Record<string, PageRule> = {
  '/': { url: () => '/', expect: { anon: 'login', memberA: 'ok', memberB: 'ok', outsider: 'ok' } },
  '/login': { url: () => '/login', expect: { anon: 'ok', memberA: 'to-inbox', memberB: 'to-inbox', outsider: 'to-inbox' } },
  '/inbox': { url: () => '/inbox', expect: { anon: 'login', memberA: 'ok', memberB: 'ok', outsider: 'no-team' } },
  // another distributor's conversation id shows nothing of it: the thread is simply not there
  '/inbox/[conversationId]': { url: (c) => `/inbox/${c}`, expect: { anon: 'login', memberA: 'ok', memberB: 'ok', outsider: 'no-team' } },
  '/inbox/diagnostics': { url: () => '/inbox/diagnostics', expect: { anon: 'login', memberA: 'ok', memberB: 'ok', outsider: 'no-team' } },
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
