/**
 * GoTrue's request bodies as Go decodes them: the params structs of supabase/auth's internal/api handlers that
 * the stand-in serves (through lite, or its own admin routes), and `json.Unmarshal` into one of them.
 */
import { bracketPastDepth } from '../rest/json-depth.ts';

type GoType = 'string' | 'bool' | 'map';

/** A Go params struct: its name (for Go's error text) and its JSON fields. */
export interface GoParams {
  struct: string;
  fields: Readonly<Record<string, GoType>>;
}

const params = (struct: string, fields: Record<string, GoType>): GoParams => ({ struct, fields });
const PKCE = { code_challenge: 'string', code_challenge_method: 'string' } as const;

// The structs of supabase/auth's internal/api handlers that lite implements.
export const SIGNUP = params('SignupParams', { email: 'string', phone: 'string', password: 'string', data: 'map', channel: 'string', ...PKCE });
export const PASSWORD_GRANT = params('PasswordGrantParams', { email: 'string', phone: 'string', password: 'string' });
export const REFRESH_TOKEN_GRANT = params('RefreshTokenGrantParams', { refresh_token: 'string' });
export const PKCE_GRANT = params('PKCEGrantParams', { auth_code: 'string', code_verifier: 'string' });
export const OTP = params('OtpParams', { email: 'string', phone: 'string', create_user: 'bool', data: 'map', channel: 'string', ...PKCE });
export const MAGIC_LINK = params('MagicLinkParams', { email: 'string', data: 'map', ...PKCE });
export const VERIFY = params('VerifyParams', { type: 'string', token: 'string', token_hash: 'string', email: 'string', phone: 'string', redirect_to: 'string' });
export const RECOVER = params('RecoverParams', { email: 'string', ...PKCE });
export const RESEND = params('ResendConfirmationParams', { type: 'string', email: 'string', phone: 'string', ...PKCE });
export const USER_UPDATE = params('UserUpdateParams', {
  email: 'string', password: 'string', current_password: 'string', nonce: 'string', data: 'map', app_metadata: 'map',
  phone: 'string', channel: 'string', ...PKCE,
});
export const ADMIN_USER = params('AdminUserParams', {
  id: 'string', aud: 'string', role: 'string', email: 'string', phone: 'string', password: 'string', password_hash: 'string',
  email_confirm: 'bool', phone_confirm: 'bool', user_metadata: 'map', app_metadata: 'map', ban_duration: 'string',
});
export const INVITE = params('InviteParams', { email: 'string', data: 'map' });
export const ADMIN_USER_DELETE = params('adminUserDeleteParams', { should_soft_delete: 'bool' });

export type Decoded =
  | { kind: 'value'; value: Record<string, unknown> }
  | { kind: 'error'; message: string }
  /** JSON.parse refused it: Go's syntax error text is lite's business (it words them as Go does). */
  | { kind: 'not-json' };

/**
 * `json.Unmarshal(body, &params)` for a flat struct of strings, bools and `map[string]interface{}`:
 *   - an empty body is "unexpected end of JSON input"; too deep (MAX_JSON_DEPTH) is Go's max-depth error;
 *   - `null` leaves the struct (and a field) unset; any other non-object is "cannot unmarshal <kind> into Go
 *     value of type api.<Struct>";
 *   - keys match fields exactly, else case-insensitively (Go's rule), the last one wins; unknown keys are dropped;
 *   - a value of the wrong kind is "cannot unmarshal <kind> into Go struct field <Struct>.<field> of type <T>"
 *     (the first one in the body, as Go reports it).
 */
export function decodeGoParams(text: string, p: GoParams): Decoded {
  if (text.trim() === '') return { kind: 'error', message: 'unexpected end of JSON input' };
  const tooDeep = bracketPastDepth(text); // Go allows 10,000 levels; see MAX_JSON_DEPTH for why the stand-in allows fewer
  if (tooDeep) return { kind: 'error', message: `invalid character '${tooDeep}' exceeded max depth` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'not-json' };
  }
  if (parsed === null) return { kind: 'value', value: {} };
  if (kindOf(parsed) !== 'object') return { kind: 'error', message: `json: cannot unmarshal ${kindOf(parsed)} into Go value of type api.${p.struct}` };
  const fields = Object.keys(p.fields);
  const value: Record<string, unknown> = {};
  let firstError: string | null = null;
  for (const [key, v] of Object.entries(parsed as Record<string, unknown>)) {
    const field = fields.find((f) => f === key) ?? fields.find((f) => f.toLowerCase() === key.toLowerCase());
    if (!field || v === null) continue;
    const type = p.fields[field]!;
    if (kindOf(v) !== GO_KIND[type]) {
      firstError ??= `json: cannot unmarshal ${kindOf(v)} into Go struct field ${p.struct}.${field} of type ${GO_TYPE_NAME[type]}`;
      continue;
    }
    value[field] = v;
  }
  return firstError ? { kind: 'error', message: firstError } : { kind: 'value', value };
}

const GO_KIND: Readonly<Record<GoType, string>> = { string: 'string', bool: 'bool', map: 'object' };
const GO_TYPE_NAME: Readonly<Record<GoType, string>> = { string: 'string', bool: 'bool', map: 'map[string]interface {}' };

/** A JSON value's kind, in the words of Go's UnmarshalTypeError. */
function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v; // string, number
}

/** Go's wording for the JSON syntax errors a client most often makes (for the admin routes, which lite does not word). */
export function goSyntaxError(text: string): string {
  const first = text.trimStart()[0];
  if (first === undefined) return 'unexpected end of JSON input';
  if (!'{["-0123456789tfn'.includes(first)) return `invalid character '${first}' looking for beginning of value`;
  return 'unexpected end of JSON input';
}
