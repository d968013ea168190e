/**
 * Stand-in cold start and resident memory, per database: in-memory PGlite, PGlite on disk (first start, which
 * runs initdb, and a restart of the same folder), and PostgreSQL (a throwaway server started here).
 * Each start is a fresh `node` process; "ready" is spawn → first 200 from /health; RSS is read from /proc
 * once it is ready and again after 200 REST requests.
 *
 *   npx tsx bench/standin-startup.ts [--runs 3]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startPostgresCluster } from '../tests/helpers/postgres-cluster.ts';
import { summarize, writeResults } from './stats.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;

async function startOnce(db: string) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'standin/src/main.ts', '--port', String(port), '--db', db, '--log', 'silent'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`stand-in exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - t0;
  const rssReady = rssMb(child.pid!);
  const headers = { apikey: 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH' };
  for (let i = 0; i < 200; i++) await (await fetch(`${url}/rest/v1/distributors?select=id`, { headers })).arrayBuffer();
  const rssAfter = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { readyMs, rssReady, rssAfter };
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function main() {
  const results: Record<string, unknown> = {};
  const record = (name: string, samples: Awaited<ReturnType<typeof startOnce>>[]) => {
    results[name] = {
      readyMs: summarize(samples.map((s) => s.readyMs)),
      rssReadyMb: summarize(samples.map((s) => s.rssReady)),
      rssAfter200RequestsMb: summarize(samples.map((s) => s.rssAfter)),
    };
    console.log(name, JSON.stringify(results[name]));
  };

  const memory = [];
  for (let i = 0; i < runs; i++) memory.push(await startOnce('memory'));
  record('pglite-memory', memory);

  const first = [];
  const restart = [];
  for (let i = 0; i < runs; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-bench-'));
    first.push(await startOnce(dir));
    restart.push(await startOnce(dir));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  record('pglite-disk-first-start', first);
  record('pglite-disk-restart', restart);

  const pg = [];
  for (let i = 0; i < runs; i++) {
    const cluster = await startPostgresCluster();
    try {
      pg.push(await startOnce(cluster.url));
    } finally {
      await cluster.stop();
    }
  }
  record('postgres', pg);

  writeResults('standin-startup', { runs, results });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
