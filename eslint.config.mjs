import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// Module boundaries (STYLE.md): who may import whom. Each folder lists what it must not reach.
const noStandin = { group: ['**/standin/**', '@/standin/**'], message: 'The app talks to Supabase over HTTP only; it must not know the stand-in.' };
const noTools = { group: ['**/tools/**', '@/tools/**'], message: 'tools/ are dev and test tools, never imported by app code.' };
const serverOnly = {
  group: ['@/lib/data/*', '@/lib/supabase/server', '@/lib/supabase/admin', '@/lib/env', 'server-only'],
  message: 'Server-only module: components and hooks get data through props or a hook.',
};
// Twilio error text is computed once, on the server, and stored in messages.error_message for the inbox to show.
const noTwilioText = { group: ['@/lib/twilio/error-codes'], message: 'Show messages.error_message: the server already turned the Twilio code into text.' };
const noAppCode = {
  group: ['@/*', '**/app/**', '**/lib/**', '**/components/**', '**/hooks/**'],
  message: 'The stand-in stands in for Supabase; it must not know the app.',
};
// The browser builds requests with plain TypeScript (lib/replies/wire); zod and the schemas built on it stay on the server.
const noZod = { group: ['zod', 'zod/*', '@/lib/replies/schema'], message: 'Keep zod out of the browser bundle: build requests with @/lib/replies/wire; the route validates.' };
// app/ is the top: routes and pages import lib/, components/ and hooks/, never the other way round.
const noApp = { group: ['@/app/*', '**/app/**'], message: 'app/ is the top of the tree: move what is shared (server actions: lib/actions) below it.' };
const restrict = (...patterns) => ['error', { patterns }];
// Tests may import anything (STYLE.md): the boundaries are for shipped code.
const tests = ['**/*.test.ts', '**/*.test.tsx'];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: ['.next/**', '.next-e2e/**', 'node_modules/**', 'standin/vendor/**', '.scratch/**', '.standin/**', 'types/database.ts', 'next-env.d.ts', 'bench/results/**', 'test-results/**'],
  },
  { files: ['app/**', 'proxy.ts', 'instrumentation.ts'], ignores: tests, rules: { 'no-restricted-imports': restrict(noStandin, noTools) } },
  { files: ['lib/**'], ignores: tests, rules: { 'no-restricted-imports': restrict(noStandin, noTools, noApp) } },
  { files: ['components/**', 'hooks/**'], ignores: tests, rules: { 'no-restricted-imports': restrict(noStandin, noTools, serverOnly, noApp, noZod, noTwilioText) } },
  {
    files: ['lib/realtime/**'],
    ignores: tests,
    rules: {
      'no-restricted-imports': restrict(noStandin, noTools, serverOnly, noApp, noZod, noTwilioText, {
        group: ['react', 'react-dom', 'next', 'next/*', '@/lib/supabase/*'],
        message: 'lib/realtime is pure TypeScript: no React, Next or client factories.',
      }),
    },
  },
  {
    files: ['types/**'],
    rules: {
      'no-restricted-imports': restrict(noStandin, noTools, noApp, {
        group: ['@/lib/*', '@/lib/**', '**/lib/**', '@/components/*', '**/components/**', '@/hooks/*', '**/hooks/**'],
        message: 'types/ is the bottom of the tree: declare the type here and let lib/ import it.',
      }),
    },
  },
  { files: ['standin/**'], rules: { 'no-restricted-imports': restrict(noAppCode) } },
  {
    files: ['standin/src/**'],
    ignores: ['standin/src/server.ts', 'standin/src/main.ts'],
    rules: {
      'no-restricted-imports': restrict(noAppCode, {
        group: ['node:http', 'http', 'ws'],
        message: 'Only standin/src/server.ts touches node:http and ws.',
      }),
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
];

export default config;
