import type { TestProject } from 'vitest/node';
import { onPostgres } from './boot.ts';

/** Global setup of the standin-postgres project: a throwaway PostgreSQL cluster and a stand-in on it. */
const setup = (project: TestProject) => onPostgres(project);
export default setup;
