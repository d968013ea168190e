import type { TestProject } from 'vitest/node';
import { onPglite } from './boot.ts';

/** Global setup of the standin-pglite project: one stand-in on embedded PGlite with the contract fixture. */
const setup = (project: TestProject) => onPglite(project);
export default setup;
