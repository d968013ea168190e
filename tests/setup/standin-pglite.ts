import type { TestProject } from 'vitest/node';
import { bootStandin } from './boot-standin.ts';

export default async function setup(project: TestProject) {
  const standin = await bootStandin(project, { kind: 'pglite-memory' }, 'pglite');
  return () => standin.close();
}
