import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Order statistics for benchmark samples (nearest-rank percentiles). */
export function summarize(samples: number[]): { n: number; min: number; p50: number; p90: number; p99: number; max: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const pct = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    n: s.length,
    min: round(s[0] ?? NaN),
    p50: round(pct(50)),
    p90: round(pct(90)),
    p99: round(pct(99)),
    max: round(s.at(-1) ?? NaN),
    mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}

/**
 * Writes bench/results/<name>.json: when, the command that produced it, the host (these machines are shared:
 * the load average says how quiet it was), then the benchmark's own figures.
 */
export function writeResults(name: string, data: Record<string, unknown>): void {
  const root = path.resolve(import.meta.dirname, '..');
  const out = path.join(root, 'bench/results', `${name}.json`);
  const command = ['node', path.relative(root, process.argv[1] ?? ''), ...process.argv.slice(2)].join(' ');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), command, host: { cpus: os.cpus().length, loadavg: os.loadavg() }, ...data }, null, 2)}\n`);
  console.log(`wrote ${path.relative(root, out)}`);
}
