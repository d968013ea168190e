import type { TestProject } from 'vitest/node';
import { startStandin, type Standin } from '../../src/index.ts';
import type { DatabaseTarget } from '../../src/config.ts';
import { CONTRACT_PROJECT } from '../helpers/projects.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    standinUrl: string;
    backend: 'pglite' | 'postgres';
    /** The test run's PostgreSQL server (postgres projects only), for tests that need a database of their own. */
    postgresUrl: string | null;
  }
}

export interface BootOptions {
  /** The Supabase project served (its supabase/migrations and seed.sql). */
  projectDir?: string;
  /** Migration folders applied after the project's, for test-only objects. */
  extraMigrationDirs?: string[];
  /** Auth redirects allowed besides the project's config.toml (the app under test's public URL). */
  redirectUrls?: string[];
}

/** One stand-in per test run and backend, shared by every test file; tests isolate themselves by data. */
export async function bootStandin(project: TestProject, db: DatabaseTarget, backend: 'pglite' | 'postgres', postgresUrl: string | null = null, options: BootOptions = {}): Promise<Standin> {
  const standin = await startStandin({
    port: 0,
    db,
    projectDir: options.projectDir ?? CONTRACT_PROJECT,
    extraMigrationDirs: options.extraMigrationDirs ?? [],
    redirectUrls: options.redirectUrls ?? [],
    seed: true,
    log: process.env.STANDIN_LOG === 'debug' ? 'debug' : 'silent',
  });
  project.provide('standinUrl', standin.url);
  project.provide('backend', backend);
  project.provide('postgresUrl', postgresUrl);
  return standin;
}

/** Global setup on PGlite in memory. */
export async function onPglite(project: TestProject, options: BootOptions = {}): Promise<() => Promise<void>> {
  const standin = await bootStandin(project, { kind: 'pglite-memory' }, 'pglite', null, options);
  return () => standin.close();
}

/** Global setup on a throwaway PostgreSQL server of the run's own. */
export async function onPostgres(project: TestProject, options: BootOptions = {}): Promise<() => Promise<void>> {
  const { startPostgresCluster } = await import('../helpers/postgres-cluster.ts');
  const cluster = await startPostgresCluster();
  try {
    const standin = await bootStandin(project, { kind: 'postgres', url: cluster.url }, 'postgres', cluster.url, options);
    return async () => {
      await standin.close();
      await cluster.stop();
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
