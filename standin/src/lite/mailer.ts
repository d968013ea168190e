/**
 * Auth's mail, as GoTrue writes it, kept in an outbox instead of sent (what `supabase start` does with its
 * Mailpit): lite's own mailer links to `<site_url>/auth/v1/verify`, ignores the `redirect_to` the caller asked
 * for and knows no invitation mail. This one replaces it (`app._mailer`, checked by the adapter):
 *   - templates and subjects from the project's `supabase/config.toml` (`[auth.email.template.<kind>]`,
 *     `subject` and `content_path`), GoTrue's defaults otherwise, with GoTrue's variables (`{{ .ConfirmationURL }}`,
 *     `{{ .TokenHash }}`, `{{ .SiteURL }}`, `{{ .RedirectTo }}`, `{{ .Email }}`, `{{ .Token }}`, `{{ .Data }}`);
 *   - `{{ .ConfirmationURL }}` is the stand-in's own `/auth/v1/verify` (GoTrue's API URL);
 *   - `{{ .RedirectTo }}` is the request's `?redirect_to=` when GoTrue would allow it (same host as site_url, or
 *     a pattern of `additional_redirect_urls`), site_url otherwise.
 * The request's `redirect_to` reaches the mailer through `mailContext` (lite calls the mailer deep inside a
 * request and passes only site_url).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type MailKind = 'invite' | 'confirmation' | 'recovery' | 'magic_link' | 'email_change' | 'reauthentication';

export interface Mail {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  kind: MailKind;
  sentAt: string;
}

/** What GoTrue's verify link says each kind of mail is. */
const VERIFY_TYPE: Record<MailKind, string> = {
  invite: 'invite',
  confirmation: 'signup',
  recovery: 'recovery',
  magic_link: 'magiclink',
  email_change: 'email_change',
  reauthentication: 'reauthentication',
};

/** GoTrue's default subjects and bodies (mailer/template.go). */
const DEFAULTS: Record<MailKind, { subject: string; html: string }> = {
  invite: {
    subject: 'You have been invited',
    html: '<h2>You have been invited</h2>\n\n<p>You have been invited to create a user on {{ .SiteURL }}. Follow this link to accept the invite:</p>\n<p><a href="{{ .ConfirmationURL }}">Accept the invite</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>',
  },
  confirmation: {
    subject: 'Confirm Your Email',
    html: '<h2>Confirm your email</h2>\n\n<p>Follow this link to confirm your email:</p>\n<p><a href="{{ .ConfirmationURL }}">Confirm your email address</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>',
  },
  recovery: {
    subject: 'Reset Your Password',
    html: '<h2>Reset password</h2>\n\n<p>Follow this link to reset the password for your user:</p>\n<p><a href="{{ .ConfirmationURL }}">Reset password</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>',
  },
  magic_link: {
    subject: 'Your Magic Link',
    html: '<h2>Magic Link</h2>\n\n<p>Follow this link to login:</p>\n<p><a href="{{ .ConfirmationURL }}">Log In</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>',
  },
  email_change: {
    subject: 'Confirm Email Change',
    html: '<h2>Confirm email address change</h2>\n\n<p>Follow this link to confirm the update of your email address from {{ .Email }} to {{ .NewEmail }}:</p>\n<p><a href="{{ .ConfirmationURL }}">Change email address</a></p>\n<p>Alternatively, enter the code: {{ .Token }}</p>',
  },
  reauthentication: {
    subject: 'Confirm reauthentication',
    html: '<h2>Confirm reauthentication</h2>\n\n<p>Enter the code: {{ .Token }}</p>',
  },
};

/** The `redirect_to` of the request being served, for the mail it sends. */
export const mailContext = new AsyncLocalStorage<{ redirectTo: string | null }>();

export interface MailerOptions {
  siteUrl: string;
  /** GoTrue's `additional_redirect_urls`: exact URLs or globs (`*` within a segment, `**` across them). */
  redirectUrls: readonly string[];
  /** Templates by kind (from config.toml): subject and HTML. */
  templates: Partial<Record<MailKind, { subject?: string; html?: string }>>;
  /** How many mails the outbox keeps (the oldest go first). */
  keep?: number;
  onMail?: (mail: Mail) => void;
}

interface MailMeta {
  redirectTo?: string;
  data?: unknown;
  newEmail?: string;
  currentEmail?: string;
}

export class Mailer {
  /** The stand-in's own URL, known once it listens (GoTrue's API_EXTERNAL_URL). */
  apiUrl = 'http://127.0.0.1:54321';
  readonly #outbox: Mail[] = [];
  readonly #keep: number;
  readonly #allow: RegExp[];

  constructor(private readonly options: MailerOptions) {
    this.#keep = options.keep ?? 500;
    this.#allow = options.redirectUrls.map(globToRegExp);
  }

  // lite's mailer interface: (to, tokenHash, otp, meta)
  sendConfirmation = (to: string, tokenHash: string, otp: string, meta?: MailMeta) => this.send('confirmation', to, tokenHash, otp, meta);
  sendRecovery = (to: string, tokenHash: string, otp: string, meta?: MailMeta) => this.send('recovery', to, tokenHash, otp, meta);
  sendMagicLink = (to: string, tokenHash: string, otp: string, meta?: MailMeta) => this.send('magic_link', to, tokenHash, otp, meta);
  sendEmailChange = (to: string, tokenHash: string, otp: string, meta?: MailMeta) => this.send('email_change', to, tokenHash, otp, meta);
  sendReauthentication = (to: string, otp: string, meta?: MailMeta & { tokenHash?: string }) =>
    this.send('reauthentication', to, meta?.tokenHash ?? '', otp, meta);
  sendInvite = (to: string, tokenHash: string, otp: string, meta?: MailMeta) => this.send('invite', to, tokenHash, otp, meta);

  /** What GoTrue would redirect to for this `redirect_to`: it, if allowed, else site_url. */
  resolveRedirect(requested: string | null | undefined): string {
    if (requested && this.allowed(requested)) return requested;
    return this.options.siteUrl;
  }

  /** The mails kept, newest first; `to` filters by address (any case). */
  list(to?: string): Mail[] {
    const wanted = to?.toLowerCase();
    return this.#outbox.filter((m) => !wanted || m.to === wanted).reverse();
  }

  get(id: string): Mail | undefined {
    return this.#outbox.find((m) => m.id === id);
  }

  private allowed(url: string): boolean {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return false;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return false;
    // GoTrue: "as long as the referrer came from the site, we will redirect back there"
    if (target.hostname === new URL(this.options.siteUrl).hostname) return true;
    return this.#allow.some((pattern) => pattern.test(url));
  }

  private async send(kind: MailKind, to: string, tokenHash: string, otp: string, meta: MailMeta = {}): Promise<void> {
    const requested = mailContext.getStore()?.redirectTo ?? meta.redirectTo ?? null;
    const redirectTo = this.resolveRedirect(requested);
    const confirmation = new URL('/auth/v1/verify', this.apiUrl);
    confirmation.searchParams.set('token', tokenHash);
    confirmation.searchParams.set('type', VERIFY_TYPE[kind]);
    confirmation.searchParams.set('redirect_to', redirectTo);
    const vars: Record<string, string> = {
      SiteURL: this.options.siteUrl,
      ConfirmationURL: kind === 'reauthentication' ? '' : confirmation.toString(),
      Token: otp,
      TokenHash: tokenHash,
      Email: meta.currentEmail ?? to,
      NewEmail: meta.newEmail ?? to,
      RedirectTo: redirectTo,
      Data: meta.data === undefined ? '' : JSON.stringify(meta.data),
    };
    const template = this.options.templates[kind];
    const html = fill(template?.html ?? DEFAULTS[kind].html, vars);
    const mail: Mail = {
      id: randomUUID(),
      to: to.toLowerCase(),
      subject: fill(template?.subject ?? DEFAULTS[kind].subject, vars),
      html,
      text: htmlToText(html),
      kind,
      sentAt: new Date().toISOString(),
    };
    this.#outbox.push(mail);
    if (this.#outbox.length > this.#keep) this.#outbox.splice(0, this.#outbox.length - this.#keep);
    this.options.onMail?.(mail);
  }
}

/** `{{ .Name }}` replaced as Go's templates print a string (unknown names left as they are). */
function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (whole, name: string) => (name in vars ? vars[name]! : whole));
}

function htmlToText(html: string): string {
  return html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/gi, '$2: $1')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** GoTrue's glob (gobwas/glob with separators `.` and `/`): `**` any text, `*` any text within a segment. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^./]*';
    else if (c === '?') re += '[^./]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The `[auth]` settings of a Supabase CLI project's `supabase/config.toml` the mailer needs: `additional_redirect_urls`
 * and each `[auth.email.template.<kind>]`'s `subject` and `content_path` (read relative to the project). Only the
 * shapes `supabase init` writes (one-line strings and string arrays) are read; anything else is left to defaults.
 */
export function readAuthMailConfig(projectDir: string): { redirectUrls: string[]; templates: MailerOptions['templates'] } {
  let toml: string;
  try {
    toml = readFileSync(path.join(projectDir, 'supabase', 'config.toml'), 'utf8');
  } catch {
    return { redirectUrls: [], templates: {} };
  }
  const redirectUrls: string[] = [];
  const templates: MailerOptions['templates'] = {};
  let section = '';
  for (const raw of toml.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    const pair = /^([\w-]+)\s*=\s*(.+)$/.exec(line);
    if (!pair) continue;
    const [, key, value] = pair as unknown as [string, string, string];
    if (section === 'auth' && key === 'additional_redirect_urls') {
      for (const m of value.matchAll(/"((?:[^"\\]|\\.)*)"/g)) redirectUrls.push(m[1]!);
    }
    const kind = /^auth\.email\.template\.(\w+)$/.exec(section)?.[1] as MailKind | undefined;
    if (kind && kind in DEFAULTS) {
      const str = /^"((?:[^"\\]|\\.)*)"$/.exec(value)?.[1];
      if (str === undefined) continue;
      const entry = (templates[kind] ??= {});
      if (key === 'subject') entry.subject = str;
      if (key === 'content_path') entry.html = readFileSync(path.resolve(projectDir, str), 'utf8');
    }
  }
  return { redirectUrls, templates };
}
