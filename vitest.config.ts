import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { standinProjects } from './standin/vitest.projects.ts';

const root = import.meta.dirname;
// App suites that talk to a stand-in serving the app's migrations; they run once per backend. The stand-in's own
// suites run in its projects (standin/vitest.projects.ts) on fixture projects of their own.
const againstStandin = ['supabase/tests/**/*.test.ts', 'app/**/*.test.ts', 'tests/security/**/*.test.ts'];
// Browser suites (a built app and Chromium) run in the e2e project only.
const browserSuites = ['**/node_modules/**', '**/*.e2e.test.ts'];
const standinSetup = [path.join(root, 'tests/setup/websocket.ts'), path.join(root, 'tests/setup/app-env.ts')];

export default defineConfig({
  resolve: { alias: { '@': root, 'server-only': path.join(root, 'tests/setup/server-only.ts') } },
  test: {
    setupFiles: [path.join(root, 'tests/setup/websocket.ts')],
    sequence: { shuffle: true },
    // supabase-js prints a Node 20 deprecation banner on import; it is known and says nothing about a test.
    // @supabase/ssr warns about every undecodable cookie; the security tests send such cookies on purpose.
    onConsoleLog: (log) => !log.includes('Node.js 20 and below are deprecated') && !log.includes('@supabase/ssr: could not base64url-decode'),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      ...standinProjects,
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{lib,components,hooks,tools,bench}/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: { name: 'pglite', include: againstStandin, exclude: browserSuites, setupFiles: standinSetup, globalSetup: ['tests/setup/standin-pglite.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          include: ['{hooks,components}/**/*.test.tsx'],
          environment: 'jsdom',
          environmentOptions: { jsdom: { url: 'http://127.0.0.1:3000/inbox' } },
          setupFiles: [...standinSetup, path.join(root, 'tests/setup/dom.ts')],
          globalSetup: ['tests/setup/standin-pglite.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts', 'tests/security/**/*.e2e.test.ts'],
          environment: 'node',
          globalSetup: ['tests/setup/e2e-build.ts'],
          sequence: { shuffle: false },
          testTimeout: 90_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: { name: 'postgres', include: againstStandin, exclude: browserSuites, setupFiles: standinSetup, globalSetup: ['tests/setup/standin-postgres.ts'] },
      },
    ],
  },
});
