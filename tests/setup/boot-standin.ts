import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStandin, type Standin } from '../../standin/src/index.ts';
import type { DatabaseTarget } from '../../standin/src/config.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    standinUrl: string;
    backend: 'pglite' | 'postgres';
    /** The test run's PostgreSQL server (postgres project only), for tests that need a database of their own. */
    postgresUrl: string | null;
  }
}

/** One stand-in per test run and backend, shared by every test file; tests isolate themselves by data. */
export async function bootStandin(project: TestProject, db: DatabaseTarget, backend: 'pglite' | 'postgres', postgresUrl: string | null = null): Promise<Standin> {
  const standin = await startStandin({
    port: 0,
    db,
    projectDir: ROOT,
    extraMigrationDirs: [path.join(ROOT, 'standin/test/fixtures/migrations')],
    seed: true,
    log: process.env.STANDIN_LOG === 'debug' ? 'debug' : 'silent',
  });
  project.provide('standinUrl', standin.url);
  project.provide('backend', backend);
  project.provide('postgresUrl', postgresUrl);
  return standin;
}
