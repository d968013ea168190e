/**
 * A throwaway PostgreSQL server for tests and benchmarks: initdb in a temp dir, started on a free loopback port,
 * removed on stop. Postgres refuses to run as root, so as root it runs as the `postgres` OS user.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresCluster {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (fast shutdown: open sessions are ended) and starts it again on the same port and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Durable commits (fsync, synchronous_commit). Off by default: tests don't need crash safety. */
  durable?: boolean;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string | number>;
}

export async function startPostgresCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const bin = await postgresBinDir();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-pg-'));
  const dataDir = path.join(base, 'data');
  const asRoot = process.getuid?.() === 0;
  const as = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args));
  if (asRoot) await run('chown', ['-R', 'postgres:postgres', base]);
  await as(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port,
    unix_socket_directories: base,
    max_connections: 200,
    fsync: options.durable ? 'on' : 'off',
    synchronous_commit: options.durable ? 'on' : 'off',
    full_page_writes: options.durable ? 'on' : 'off',
    ...options.settings,
  };
  const opts = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ');
  await as(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', path.join(base, 'server.log'), '-w', '-t', '60', '-o', opts, 'start']);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async restart() {
      await as(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
      await as(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', path.join(base, 'server.log'), '-w', '-t', '60', '-o', opts, 'start']);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await as(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

async function postgresBinDir(): Promise<string> {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  try {
    const { stdout } = await run('pg_config', ['--bindir']);
    const dir = stdout.trim();
    if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
  } catch {
    /* pg_config comes with libpq-dev, which may be absent */
  }
  const debian = fs.existsSync('/usr/lib/postgresql')
    ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  const found = debian.find((d) => fs.existsSync(path.join(d, 'initdb')));
  if (found) return found;
  throw new Error('PostgreSQL server binaries not found: install postgresql (Debian) or set PG_BIN to the folder holding initdb');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
