/**
 * Who a request is, and whether it may touch the account it names, as Twilio decides it:
 *
 *   - HTTP Basic with `AccountSid:AuthToken` or `ApiKeySid:ApiKeySecret` (the key is its account's);
 *   - credentials of an account that is not active are refused;
 *   - a 2010-04-01 URL names the account (…/Accounts/{AC}/…): the credentials' own account, or, with the parent's
 *     Auth Token (not its API keys), one of its subaccounts;
 *   - the Account resource itself (…/Accounts/{AC}.json) refuses standard API keys; main keys may;
 *   - the other hosts' resources (content, messaging) belong to the credentials' account.
 *
 * Anything else is Twilio's 401 with code 20003, whatever the reason (Twilio does not say which part was wrong):
 * a wrong token, a key of another account, or another account's URL. Twilio's own page on 20003 lists them all
 * (https://www.twilio.com/docs/api/errors/20003); a standard key on /Accounts says "Authentication Error -
 * invalid username" (Twilio support article 50301225354651).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Directory } from './accounts.ts';
import type { FakeAccount, FakeApiKey } from './types.ts';

export interface Principal {
  account: FakeAccount;
  key: FakeApiKey | null;
}

export type Authorization = { ok: true; principal: Principal; account: FakeAccount } | { ok: false; message: string };

const AUTHENTICATE = 'Authenticate';

/** The account (and key) the Basic credentials are, or null. */
export function authenticate(header: string | undefined, directory: Directory): Principal | null {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString();
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  let principal: Principal | null = null;
  if (user.startsWith('AC')) {
    const account = directory.get(user);
    if (account && same(password, account.authToken)) principal = { account, key: null };
  } else if (user.startsWith('SK')) {
    const found = directory.apiKey(user);
    if (found && same(password, found.key.secret)) principal = { account: found.account, key: found.key };
  }
  return principal?.account.status === 'active' ? principal : null;
}

/** Whether the credentials may make this request, and on which account it acts. */
export function authorize(header: string | undefined, pathname: string, directory: Directory): Authorization {
  const principal = authenticate(header, directory);
  if (!principal) return { ok: false, message: AUTHENTICATE };
  const named = /^\/2010-04-01\/Accounts\/([^/.]+)(\.json|\/|$)/.exec(pathname);
  if (!named) return { ok: true, principal, account: principal.account };
  const target = directory.get(named[1]!);
  const own = target?.sid === principal.account.sid;
  const parent = !principal.key && target?.parentSid === principal.account.sid;
  if (!target || !(own || parent) || target.status !== 'active') return { ok: false, message: AUTHENTICATE };
  if (named[2] === '.json' && principal.key && principal.key.type !== 'main') {
    return { ok: false, message: 'Authentication Error - invalid username' };
  }
  return { ok: true, principal, account: target };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
