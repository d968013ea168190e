import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { onPglite, onPostgres, type BootOptions } from '../../standin/test/setup/boot.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The app's stand-in: our migrations and seed, plus the test-only objects in tests/fixtures/migrations. */
const APP: BootOptions = {
  projectDir: ROOT,
  extraMigrationDirs: [path.join(ROOT, 'tests/fixtures/migrations')],
  // the public URL server-action tests run the app under (tests/helpers/app.ts), as a project lists its own
  redirectUrls: ['https://switchboard.test/**'],
};

export const appOnPglite = (project: TestProject) => onPglite(project, APP);
export const appOnPostgres = (project: TestProject) => onPostgres(project, APP);
