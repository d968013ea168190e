/**
 * Realtime filter matching on adversarial input: the stand-in evaluates `like`/`ilike` and `match`/`imatch`
 * filters on every change a subscriber may see, synchronously, so their cost per row bounds how long one
 * tenant's filter can hold the event loop. Each pattern is built to make a backtracking matcher explode
 * (`%a%a%a%a%a%b` on a run of `a`s; `(a|a)*b`, `(a*)*b`) and runs on texts up to 4,096 characters, the longest
 * message body. The baseline, measured the same way in the same run, is one linear scan of the same text
 * (`String.prototype.includes`). A JavaScript RegExp, as the stand-in used before, needs 10 s for the first
 * pattern at 100 characters and grows exponentially: it is not run here.
 *
 *   npx tsx bench/filters.ts
 */
import { compileLike, compileRegex } from '../standin/src/realtime/patterns.ts';
import { summarize, writeResults } from './stats.ts';

const SIZES = [100, 700, 4096];
const RUNS = 201;

const cases = [
  { op: 'like', pattern: '%a%a%a%a%a%b', compile: () => compileLike('%a%a%a%a%a%b', false) },
  { op: 'ilike', pattern: '%A%A%A%A%A%B', compile: () => compileLike('%A%A%A%A%A%B', true) },
  { op: 'match', pattern: '(a|a)*b', compile: () => compileRegex('(a|a)*b', false) },
  { op: 'imatch', pattern: '(a*)*B', compile: () => compileRegex('(a*)*B', true) },
];

function time(fn: () => unknown): ReturnType<typeof summarize> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

const results: Array<Record<string, unknown>> = [];
for (const size of SIZES) {
  const text = 'a'.repeat(size);
  const baseline = time(() => text.includes('b'));
  for (const c of cases) {
    const compiled = c.compile();
    if (!compiled.ok) throw new Error(`${c.op} ${c.pattern}: ${compiled.error}`);
    const matcher = compiled.match;
    const stats = time(() => matcher(text));
    results.push({ op: c.op, pattern: c.pattern, textChars: size, matcherMs: stats, baselineMs: baseline });
    console.log(
      `${c.op.padEnd(6)} ${c.pattern.padEnd(14)} ${String(size).padStart(5)} chars: p50 ${stats.p50.toFixed(3)} ms  p99 ${stats.p99.toFixed(3)} ms` +
        `   (baseline scan p50 ${baseline.p50.toFixed(4)} ms  p99 ${baseline.p99.toFixed(4)} ms)`,
    );
  }
}
writeResults('filters', { runsPerCase: RUNS, results });
