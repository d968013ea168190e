import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import postgres from 'postgres';
import { inject } from 'vitest';
import { startStandin, type Standin, type StandinOptions } from '../../src/index.ts';
import { CONTRACT_PROJECT } from './projects.ts';
import { freePort } from './postgres-cluster.ts';

export interface OwnStandin {
  standin: Standin;
  /** Stops the stand-in and starts it again on the same port and database (data kept). */
  restart(): Promise<Standin>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A stand-in of the test's own, on the run's backend: for tests that restart it, change its schema or serve
 * another project (the contract fixture by default). On the postgres projects it gets a fresh database on the
 * run's server (so restarts keep data); on PGlite, a folder of its own.
 */
export async function startOwnStandin(options: Partial<StandinOptions> = {}): Promise<OwnStandin> {
  const port = await freePort();
  const serverUrl = inject('postgresUrl');
  let db: StandinOptions['db'];
  let dropDatabase: () => Promise<void>;
  if (serverUrl) {
    const name = `own_${randomBytes(6).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    db = { kind: 'postgres', url: url.toString() };
    dropDatabase = async () => {
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    const dir = fs.mkdtempSync(`${os.tmpdir()}/standin-test-`);
    db = { kind: 'pglite-dir', dir };
    dropDatabase = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const boot = () => startStandin({ port, db, projectDir: CONTRACT_PROJECT, seed: false, log: 'silent', ...options });
  let current: Standin | null = await boot();
  const handle: OwnStandin = {
    standin: current,
    async restart() {
      await current?.close();
      current = await boot();
      handle.standin = current;
      return current;
    },
    async stop() {
      await current?.close();
      current = null;
    },
    async destroy() {
      await current?.close();
      current = null;
      await dropDatabase();
    },
  };
  return handle;
}
