import path from 'node:path';
import type { TestProjectInlineConfiguration } from 'vitest/config';

const here = import.meta.dirname;
const setupFiles = [path.join(here, 'test/setup/websocket.ts')];
const include = [path.join(here, 'test/**/*.test.ts')];

/**
 * The stand-in's own test projects: its unit tests, and its contract tests against a stand-in serving the
 * contract fixture project (test/fixtures/contract), once on PGlite in memory and once on a throwaway
 * PostgreSQL server. Used by standin/vitest.config.ts and by the repository's root config.
 */
export const standinProjects: TestProjectInlineConfiguration[] = [
  { extends: true, test: { name: 'standin-unit', include: [path.join(here, 'src/**/*.test.ts')], environment: 'node' } },
  { extends: true, test: { name: 'standin-pglite', include, setupFiles, globalSetup: [path.join(here, 'test/setup/pglite.ts')] } },
  { extends: true, test: { name: 'standin-postgres', include, setupFiles, globalSetup: [path.join(here, 'test/setup/postgres.ts')] } },
];
