import fs from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { Supervisor, type PartSpec, type SupervisorEvent, type SupervisorOptions, type Timers } from './dev-supervisor.ts';

/** A part that is `node -e script`. */
const node = (name: string, script: string): PartSpec => ({ name, command: process.execPath, args: ['-e', script] });
const LONG_RUNNING = `console.log('up'); setInterval(() => {}, 1e6);`;

/** A supervisor whose events, log lines and output are recorded, with a way to wait for a condition over them. */
function supervise(options: SupervisorOptions = {}) {
  const events: Array<SupervisorEvent & { at: number }> = [];
  const logs: string[] = [];
  const output: Array<{ part: string; line: string }> = [];
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const w of waiters) w();
  };
  const sup = new Supervisor({
    graceMs: 2000,
    ...options,
    log: (line) => {
      logs.push(line);
      changed();
    },
    onEvent: (event) => {
      events.push({ ...event, at: performance.now() });
      changed();
    },
    onOutput: (part, _stream, line) => {
      output.push({ part, line });
      changed();
    },
  });
  supervisors.push(sup);
  const until = (what: string, predicate: () => boolean, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const of = <T extends SupervisorEvent['type']>(type: T, part?: string) =>
    events.filter((e): e is Extract<SupervisorEvent, { type: T }> & { at: number } => e.type === type && (part === undefined || e.part === part));
  const said = (part: string, line: string) => output.some((o) => o.part === part && o.line === line);
  return { sup, events, logs, output, until, of, said };
}

const supervisors: Supervisor[] = [];
const strays: number[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
  for (const pid of strays.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** Whether a process exists and is not a zombie (an orphan may wait for a reaper that never comes, in a container). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): kill(0) said it exists
  }
}

/** Waits, polling, until `pid` is gone (a SIGKILL is delivered asynchronously). */
async function gone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

test('a part that exits is reported and restarted after delays that double up to the cap', async () => {
  const { sup, logs, until, of } = supervise({ backoff: { initialMs: 10, maxMs: 40, resetAfterMs: 60_000 } });
  sup.start(node('flaky', 'process.exit(3)'));
  await until('five exits', () => of('exit').length >= 5);
  const exits = of('exit').slice(0, 5);
  expect(exits.map((e) => e.restartInMs)).toEqual([10, 20, 40, 40, 40]);
  expect(exits.every((e) => e.code === 3 && e.signal === null)).toBe(true);
  // each restart came no sooner than its delay after the exit
  const spawns = of('spawn');
  for (let i = 0; i < 4; i++) expect(spawns[i + 1]!.at - exits[i]!.at).toBeGreaterThanOrEqual(exits[i]!.restartInMs! - 2);
  expect(logs.some((l) => /^\[dev\] flaky exited \(code 3\) after \d+\.\d s; restarting in 0\.0 s \(2 quick exits in a row\)$/.test(l))).toBe(true);
  expect(logs.some((l) => l.startsWith('[dev] flaky restarted (run 2'))).toBe(true);
});

test('a part killed by a signal is reported with the signal; a healthy run resets the backoff', async () => {
  let clock = 0;
  const { sup, until, of } = supervise({ backoff: { initialMs: 10, maxMs: 1000, resetAfterMs: 500 }, now: () => clock });
  sup.start(node('server', LONG_RUNNING));
  const killRun = async (run: number, runForMs = 0) => {
    await until(`run ${run}`, () => of('spawn').length === run);
    clock += runForMs;
    process.kill(sup.pid('server')!, 'SIGKILL');
    await until(`exit ${run}`, () => of('exit').length === run);
  };
  await killRun(1);
  await killRun(2);
  await killRun(3);
  await killRun(4, 1000); // longer than resetAfterMs: healthy
  await killRun(5);
  expect(of('exit').map((e) => [e.signal, e.restartInMs])).toEqual([
    ['SIGKILL', 10],
    ['SIGKILL', 20],
    ['SIGKILL', 40],
    ['SIGKILL', 10],
    ['SIGKILL', 20],
  ]);
});

test('a part that keeps crashing at start is retried and never takes the others down', async () => {
  const { sup, logs, until, of, said } = supervise({ backoff: { initialMs: 5, maxMs: 20, resetAfterMs: 60_000 } });
  sup.start(node('steady', LONG_RUNNING));
  sup.start(node('broken', `console.error('cannot bind'); process.exit(1)`));
  await until('steady up and broken retried four times', () => said('steady', 'up') && of('exit', 'broken').length >= 4);
  const steadyPid = sup.pid('steady')!;
  expect(alive(steadyPid)).toBe(true);
  expect(of('spawn', 'steady')).toHaveLength(1);
  expect(of('exit', 'steady')).toHaveLength(0);
  expect(logs.filter((l) => l.startsWith('[dev] broken exited (code 1)'))).toHaveLength(of('exit', 'broken').length);

  const report = await sup.stop();
  expect(report.forced).toEqual([]);
  expect(of('stopped', 'steady')).toEqual([expect.objectContaining({ signal: 'SIGTERM', forced: false })]);
  expect(await gone(steadyPid)).toBe(true);
  // (that a restart pending at stop() never happens is the next test's, with timers it can see)
});

test('stop sends SIGTERM, then SIGKILL after the grace period to a part that ignores it; nothing restarts', async () => {
  const { sup, until, of, said } = supervise({ graceMs: 300 });
  sup.start(node('stubborn', `process.on('SIGTERM', () => console.log('got SIGTERM')); ${LONG_RUNNING}`));
  sup.start(node('polite', `process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); ${LONG_RUNNING}`));
  await until('both up', () => said('stubborn', 'up') && said('polite', 'up'));
  const started = performance.now();
  const stopping = sup.stop();
  expect(sup.stop()).toBe(stopping);
  const report = await stopping;
  expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  expect(report.forced).toEqual(['stubborn']);
  expect(said('stubborn', 'got SIGTERM')).toBe(true); // SIGTERM came first
  expect(said('polite', 'bye')).toBe(true);
  expect(of('stopped', 'polite')).toEqual([expect.objectContaining({ code: 0, signal: null, forced: false })]);
  expect(of('stopped', 'stubborn')).toEqual([expect.objectContaining({ signal: 'SIGKILL', forced: true })]);
  expect(of('kill').map((k) => `${k.part}:${k.signal}`).sort()).toEqual(['polite:SIGTERM', 'stubborn:SIGKILL', 'stubborn:SIGTERM']);
  expect(of('spawn')).toHaveLength(2);
  expect(of('exit').every((e) => e.restartInMs === null)).toBe(true);
  expect(() => sup.start(node('late', LONG_RUNNING))).toThrow(/stopping/);
});

test('a restart pending when stop() runs is cancelled, and its callback does nothing if it fires anyway', async () => {
  const scheduled: Array<{ callback: () => void; ms: number; handle: NodeJS.Timeout; cleared: boolean }> = [];
  const timers: Timers = {
    set: (callback, ms) => {
      const entry = { callback, ms, handle: setTimeout(callback, ms), cleared: false };
      scheduled.push(entry);
      return entry;
    },
    clear: (entry) => {
      const e = entry as (typeof scheduled)[number];
      clearTimeout(e.handle);
      e.cleared = true;
    },
  };
  const { sup, until, of } = supervise({ timers, backoff: { initialMs: 60_000, maxMs: 60_000 } });
  sup.start(node('crasher', 'process.exit(2)'));
  await until('the first exit', () => of('exit').length === 1);
  const restart = scheduled.find((s) => s.ms === 60_000)!;
  expect(restart).toBeDefined();
  await sup.stop();
  expect(restart.cleared).toBe(true);
  restart.callback();
  expect(of('spawn')).toHaveLength(1);
});

test("a part's process group goes with it: what it spawned is killed on stop and before a restart", async () => {
  // the part starts a grandchild that ignores SIGTERM and prints its pid, then (optionally) exits by itself
  const parent = (exitAfterSpawn: boolean) =>
    `const { spawn } = require('node:child_process');
     const c = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1e6)"], { stdio: 'ignore' });
     console.log('grandchild ' + c.pid);
     ${exitAfterSpawn ? "setTimeout(() => process.exit(1), 50);" : 'setInterval(() => {}, 1e6);'}`;
  const grandchildren = (output: Array<{ part: string; line: string }>, part: string) =>
    output.filter((o) => o.part === part && o.line.startsWith('grandchild ')).map((o) => Number(o.line.split(' ')[1]));

  const { sup, output, until, of } = supervise({ backoff: { initialMs: 60_000 } });
  sup.start(node('forker', parent(false)));
  sup.start(node('crashing-forker', parent(true)));
  await until('both grandchildren and the crash', () => grandchildren(output, 'forker').length === 1 && of('exit', 'crashing-forker').length === 1);
  const [orphan] = grandchildren(output, 'crashing-forker');
  strays.push(orphan!);
  expect(await gone(orphan!)).toBe(true); // killed when its parent crashed, before the (pending) restart
  const [grandchild] = grandchildren(output, 'forker');
  strays.push(grandchild!);
  expect(alive(grandchild!)).toBe(true);
  await sup.stop();
  expect(await gone(grandchild!)).toBe(true);

  // without process groups the grandchild outlives the stop: the assertion above can fail
  const plain = supervise({ processGroups: false });
  plain.sup.start(node('forker', parent(false)));
  await plain.until('the grandchild', () => grandchildren(plain.output, 'forker').length === 1);
  const [survivor] = grandchildren(plain.output, 'forker');
  strays.push(survivor!);
  await plain.sup.stop();
  expect(alive(survivor!)).toBe(true);
});

test('a part whose command cannot be spawned is reported and retried', async () => {
  const { sup, logs, until, of } = supervise({ backoff: { initialMs: 5, maxMs: 10, resetAfterMs: 60_000 } });
  sup.start({ name: 'missing', command: '/nonexistent/dev-supervisor-test-binary', args: [] });
  await until('three failed starts', () => of('exit').length >= 3);
  expect(of('exit').slice(0, 3).map((e) => [e.code, e.error?.message.includes('ENOENT'), e.restartInMs])).toEqual([
    [null, true, 5],
    [null, true, 10],
    [null, true, 10],
  ]);
  expect(logs.some((l) => l.startsWith('[dev] missing exited (failed to start: spawn /nonexistent/dev-supervisor-test-binary ENOENT)'))).toBe(true);
  expect((await sup.stop()).forced).toEqual([]);
});

test('delayFor: initial, doubling, capped', () => {
  const sup = new Supervisor({ backoff: { initialMs: 500, maxMs: 30_000 } });
  expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => sup.delayFor(n))).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});
