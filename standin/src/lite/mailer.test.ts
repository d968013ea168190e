import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { globToRegExp, Mailer, mailContext, readAuthMailConfig } from './mailer.ts';

describe('redirect globs (GoTrue: `*` within a segment, `**` across)', () => {
  test.each([
    ['https://app.example/**', 'https://app.example/invite/abc', true],
    ['https://app.example/**', 'https://app.example.evil/x', false],
    ['https://*.example/auth', 'https://a.example/auth', true],
    ['https://*.example/auth', 'https://a.b.example/auth', false],
    ['http://localhost:3000', 'http://localhost:3000', true],
    ['http://localhost:3000', 'http://localhost:30000', false],
  ])('%s against %s', (pattern, url, ok) => {
    expect(globToRegExp(pattern).test(url)).toBe(ok);
  });
});

describe('the mailer', () => {
  const mailer = new Mailer({ siteUrl: 'http://127.0.0.1:3000', redirectUrls: ['https://app.example/**'], templates: { invite: { subject: 'Join {{ .SiteURL }}', html: '<a href="{{ .SiteURL }}/auth/confirm?token_hash={{ .TokenHash }}&type=invite&next={{ .RedirectTo }}">Join</a> {{ .Unknown }}' } } });

  test('fills the template with the request redirect when allowed, site_url when not', async () => {
    await mailContext.run({ redirectTo: 'https://app.example/invite/t1' }, () => mailer.sendInvite('A@Example.test', 'hash1', '123456'));
    await mailContext.run({ redirectTo: 'https://elsewhere.example/' }, () => mailer.sendInvite('b@example.test', 'hash2', '123456'));
    const [a] = mailer.list('a@example.test');
    expect(a).toMatchObject({ to: 'a@example.test', subject: 'Join http://127.0.0.1:3000', kind: 'invite' });
    expect(a!.html).toBe('<a href="http://127.0.0.1:3000/auth/confirm?token_hash=hash1&type=invite&next=https://app.example/invite/t1">Join</a> {{ .Unknown }}');
    expect(mailer.list('b@example.test')[0]!.html).toContain('next=http://127.0.0.1:3000"');
    expect(a!.text).toContain('Join: http://127.0.0.1:3000/auth/confirm?token_hash=hash1');
  });

  test("a kind without a template gets GoTrue's default, linking to the API's /auth/v1/verify", async () => {
    mailer.apiUrl = 'http://127.0.0.1:54321';
    await mailer.sendMagicLink('c@example.test', 'hash3', '654321', { redirectTo: 'http://127.0.0.1:3000/x' });
    const [c] = mailer.list('c@example.test');
    expect(c!.subject).toBe('Your Magic Link');
    expect(c!.html).toContain('href="http://127.0.0.1:54321/auth/v1/verify?token=hash3&type=magiclink&redirect_to=http%3A%2F%2F127.0.0.1%3A3000%2Fx"');
  });
});

describe('config.toml', () => {
  test('reads additional_redirect_urls and the templates, relative to the project', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mailcfg-'));
    mkdirSync(path.join(dir, 'supabase', 'templates'), { recursive: true });
    writeFileSync(path.join(dir, 'supabase', 'templates', 'invite.html'), '<p>{{ .TokenHash }}</p>');
    writeFileSync(
      path.join(dir, 'supabase', 'config.toml'),
      ['[auth]', 'site_url = "http://127.0.0.1:3000"', 'additional_redirect_urls = ["http://localhost:3000", "https://app.example/**"] # comment', '',
        '[auth.email.template.invite]', 'subject = "You are invited"', 'content_path = "./supabase/templates/invite.html"'].join('\n'),
    );
    expect(readAuthMailConfig(dir)).toEqual({
      redirectUrls: ['http://localhost:3000', 'https://app.example/**'],
      templates: { invite: { subject: 'You are invited', html: '<p>{{ .TokenHash }}</p>' } },
    });
    expect(readAuthMailConfig(path.join(dir, 'missing'))).toEqual({ redirectUrls: [], templates: {} });
  });
});
