import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from '../helpers/postgres-cluster.ts';
import { bootStandin } from './boot-standin.ts';

export default async function setup(project: TestProject) {
  const cluster = await startPostgresCluster();
  try {
    const standin = await bootStandin(project, { kind: 'postgres', url: cluster.url }, 'postgres', cluster.url);
    return async () => {
      await standin.close();
      await cluster.stop();
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}
