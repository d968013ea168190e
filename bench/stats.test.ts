import { expect, test } from 'vitest';
import { summarize } from './stats.ts';

test('nearest-rank percentiles', () => {
  const r = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
  expect(r).toMatchObject({ n: 100, min: 1, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
  expect(summarize([5]).p99).toBe(5);
});
