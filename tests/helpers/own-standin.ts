import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort } from './postgres-cluster.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface StandinProcess {
  url: string;
  /** The running process's pid (undefined while stopped). */
  readonly pid: number | undefined;
  restart(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A stand-in in a child process, on PGlite in a folder of its own (data kept across restarts): for tests that
 * run in a browser-like environment (jsdom replaces the globals the stand-in's HTTP layer relies on) and restart it.
 */
export async function startStandinProcess(options: { seed?: boolean; log?: boolean; /** the stand-in's --db instead of a PGlite folder (a PostgreSQL URL, or memory) */ db?: string; /** GoTrue's site_url: where mailed links lead (the app under test) */ siteUrl?: string } = {}): Promise<StandinProcess> {
  const { spawn } = await import('node:child_process');
  const fs = await import('node:fs');
  const port = await freePort();
  const dir = path.join(ROOT, '.standin', `test-${randomBytes(6).toString('hex')}`);
  const url = `http://127.0.0.1:${port}`;
  let child: import('node:child_process').ChildProcess | null = null;
  // never outlive the test process, whatever ends it (a failed hook, a timeout, Ctrl-C)
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  const boot = async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'standin/src/main.ts', '--port', String(port), '--db', options.db ?? dir, ...(options.seed ? [] : ['--no-seed']), ...(options.siteUrl ? ['--site-url', options.siteUrl] : []), '--log', options.log ? 'debug' : 'silent'], { cwd: ROOT, stdio: options.log ? 'inherit' : 'ignore' });
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        if ((await globalThis.fetch(`${url}/health`)).ok) return;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('stand-in process did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await boot();
  return {
    url,
    get pid() {
      return child?.pid;
    },
    restart: async () => {
      await stop();
      await boot();
    },
    stop,
    destroy: async () => {
      process.off('exit', killOnExit);
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
