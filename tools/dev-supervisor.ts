/**
 * A small process supervisor for `npm run dev` (tools/dev.ts), knowing nothing of the parts it runs.
 *
 * Why: one terminal runs several long-lived processes (the stand-in, the Twilio fake, `next dev`). When one of them
 * crashes the others should keep serving and the crashed one should come back, without a newcomer having to notice
 * and restart everything; and Ctrl-C must still leave nothing behind.
 *
 *   - A part that exits while the supervisor is not stopping is restarted after a backoff: `initialMs` doubling per
 *     consecutive quick exit up to `maxMs`; a run that lasted `resetAfterMs` or more counts as healthy and the next
 *     delay starts again from `initialMs`. A part that crashes at start is retried for ever (each exit reported);
 *     it never stops the others.
 *   - Each part runs in a process group of its own (POSIX), so signals reach whatever it spawned too (`next dev`
 *     forks its server): nothing is orphaned holding a port that the restarted part then cannot bind.
 *   - `stop()`: no more restarts; every running part gets SIGTERM, and SIGKILL if it has not exited after `graceMs`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface PartSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** A run at least this long was healthy: the next delay is `initialMs` again. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 30_000 };

export type SupervisorEvent =
  | { type: 'spawn'; part: string; pid: number | undefined; run: number }
  | { type: 'exit'; part: string; code: number | null; signal: NodeJS.Signals | null; error?: Error; uptimeMs: number; restartInMs: number | null }
  | { type: 'kill'; part: string; signal: 'SIGTERM' | 'SIGKILL' }
  | { type: 'stopped'; part: string; code: number | null; signal: NodeJS.Signals | null; forced: boolean };

/** setTimeout/clearTimeout, injectable so that tests can run a restart's callback themselves. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface SupervisorOptions {
  backoff?: Partial<Backoff>;
  /** How long a part has after SIGTERM before it gets SIGKILL. */
  graceMs?: number;
  /** Human-readable reports (exits, restarts, kills); console.error by default. */
  log?: (line: string) => void;
  /** Each line a part writes (default: none kept). */
  onOutput?: (part: string, stream: 'stdout' | 'stderr', line: string) => void;
  onEvent?: (event: SupervisorEvent) => void;
  /** Run each part in a process group of its own and signal the group (default: on POSIX). */
  processGroups?: boolean;
  timers?: Timers;
  now?: () => number;
}

export interface StopReport {
  /** Parts that had to be killed with SIGKILL after the grace period. */
  forced: string[];
}

interface Part {
  spec: PartSpec;
  child: ChildProcess | null;
  /** Between a spawn and that process's exit (or failure to spawn). */
  running: boolean;
  /** Resolves when the current run's process has exited (or failed to spawn). */
  exited: Promise<void>;
  startedAt: number;
  runs: number;
  /** Consecutive runs shorter than `resetAfterMs`. */
  quickExits: number;
  restartTimer: unknown;
}

const realTimers: Timers = { set: (callback, ms) => setTimeout(callback, ms), clear: (handle) => clearTimeout(handle as NodeJS.Timeout) };

export class Supervisor {
  readonly #parts = new Map<string, Part>();
  readonly #backoff: Backoff;
  readonly #graceMs: number;
  readonly #log: (line: string) => void;
  readonly #groups: boolean;
  readonly #timers: Timers;
  readonly #now: () => number;
  #stopping: Promise<StopReport> | null = null;

  constructor(private readonly options: SupervisorOptions = {}) {
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#graceMs = options.graceMs ?? 5000;
    this.#log = options.log ?? ((line) => console.error(line));
    this.#groups = options.processGroups ?? process.platform !== 'win32';
    this.#timers = options.timers ?? realTimers;
    this.#now = options.now ?? (() => performance.now());
  }

  get stopping(): boolean {
    return this.#stopping !== null;
  }

  /** Starts a part (names are unique) and keeps it running until `stop()`. */
  start(spec: PartSpec): void {
    if (this.#stopping) throw new Error(`cannot start ${spec.name}: the supervisor is stopping`);
    if (this.#parts.has(spec.name)) throw new Error(`a part named ${spec.name} is already supervised`);
    const part: Part = { spec, child: null, running: false, exited: Promise.resolve(), startedAt: 0, runs: 0, quickExits: 0, restartTimer: null };
    this.#parts.set(spec.name, part);
    this.#run(part);
  }

  /** The pid of a part's current process (undefined while it waits for a restart). */
  pid(name: string): number | undefined {
    return this.#parts.get(name)?.child?.pid;
  }

  /** The delay before the restart that follows the n-th consecutive quick exit (n ≥ 1). */
  delayFor(quickExits: number): number {
    return Math.min(this.#backoff.initialMs * 2 ** Math.max(0, quickExits - 1), this.#backoff.maxMs);
  }

  /** Stops every part: SIGTERM, then SIGKILL after the grace period. Idempotent. */
  stop(): Promise<StopReport> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  /** SIGKILL to every part still running, synchronously (for a `process.on('exit')` safety net). */
  killAll(): void {
    for (const part of this.#parts.values()) if (part.running) this.#signal(part, 'SIGKILL');
  }

  async #stopAll(): Promise<StopReport> {
    const forced: string[] = [];
    const running: Part[] = [];
    for (const part of this.#parts.values()) {
      if (part.restartTimer !== null) this.#timers.clear(part.restartTimer);
      part.restartTimer = null;
      if (part.running) running.push(part);
    }
    await Promise.all(
      running.map(async (part) => {
        const child = part.child!;
        this.#emit({ type: 'kill', part: part.spec.name, signal: 'SIGTERM' });
        this.#signal(part, 'SIGTERM');
        let forcedThis = false;
        const killTimer = this.#timers.set(() => {
          forcedThis = true;
          forced.push(part.spec.name);
          this.#log(`[dev] ${part.spec.name} did not stop within ${seconds(this.#graceMs)}; killing it (SIGKILL)`);
          this.#emit({ type: 'kill', part: part.spec.name, signal: 'SIGKILL' });
          this.#signal(part, 'SIGKILL');
        }, this.#graceMs);
        await part.exited;
        this.#timers.clear(killTimer);
        // what the part spawned goes with it (a child that ignored SIGTERM while its parent exited)
        if (this.#groups) this.#signal(part, 'SIGKILL');
        this.#emit({ type: 'stopped', part: part.spec.name, code: child.exitCode, signal: child.signalCode, forced: forcedThis });
      }),
    );
    return { forced };
  }

  #run(part: Part): void {
    part.restartTimer = null;
    if (this.#stopping) return;
    part.runs++;
    part.startedAt = this.#now();
    const { spec } = part;
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: this.#groups });
    } catch (error) {
      // spawn throws synchronously only for bad arguments; report it like a failed start and retry
      part.child = null;
      this.#afterExit(part, null, null, error as Error);
      return;
    }
    part.child = child;
    part.running = true;
    part.exited = new Promise<void>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
        if (!part.running || part.child !== child) return;
        part.running = false;
        resolve();
        this.#afterExit(part, code, signal, error);
      };
      child.once('exit', (code, signal) => finish(code, signal));
      // a failed spawn (ENOENT, EACCES) emits 'error' and maybe no 'exit'; a failed kill() emits 'error' on a live child
      child.on('error', (error) => {
        if (child.pid === undefined) finish(null, null, error);
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const input = child[stream];
      if (!input) continue;
      const lines = readline.createInterface({ input, crlfDelay: Infinity });
      lines.on('line', (line) => this.options.onOutput?.(spec.name, stream, line));
    }
    this.#emit({ type: 'spawn', part: spec.name, pid: child.pid, run: part.runs });
    if (part.runs > 1) this.#log(`[dev] ${spec.name} restarted (run ${part.runs}, pid ${child.pid ?? 'none'})`);
  }

  #afterExit(part: Part, code: number | null, signal: NodeJS.Signals | null, error?: Error): void {
    const uptimeMs = this.#now() - part.startedAt;
    const name = part.spec.name;
    // leftovers of the part's group would hold its port against the restart
    if (this.#groups && part.child?.pid !== undefined && !this.#stopping) this.#signal(part, 'SIGKILL');
    if (this.#stopping) {
      this.#emit({ type: 'exit', part: name, code, signal, error, uptimeMs, restartInMs: null });
      this.#log(`[dev] ${name} stopped (${describeExit(code, signal, error)})`);
      return;
    }
    part.quickExits = uptimeMs >= this.#backoff.resetAfterMs ? 1 : part.quickExits + 1;
    const delay = this.delayFor(part.quickExits);
    this.#emit({ type: 'exit', part: name, code, signal, error, uptimeMs, restartInMs: delay });
    this.#log(
      `[dev] ${name} exited (${describeExit(code, signal, error)}) after ${seconds(uptimeMs)}; restarting in ${seconds(delay)}` +
        (part.quickExits > 1 ? ` (${part.quickExits} quick exits in a row)` : ''),
    );
    part.restartTimer = this.#timers.set(() => this.#run(part), delay);
  }

  /** Signals the part's process group (or the process); a group or process already gone is fine. */
  #signal(part: Part, signal: NodeJS.Signals): void {
    const pid = part.child?.pid;
    if (pid === undefined) return;
    try {
      if (this.#groups) process.kill(-pid, signal);
      else part.child!.kill(signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') this.#log(`[dev] could not send ${signal} to ${part.spec.name}: ${(error as Error).message}`);
    }
  }

  #emit(event: SupervisorEvent): void {
    this.options.onEvent?.(event);
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null, error?: Error): string {
  if (error) return `failed to start: ${error.message}`;
  return signal ? `signal ${signal}` : `code ${code}`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
