/**
 * Global setup of the e2e project: a production build of the app into .next-e2e (so a running `npm run dev`
 * keeps its .next). E2E_SKIP_BUILD=1 reuses an existing build while iterating on the tests themselves.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const E2E_DIST_DIR = '.next-e2e';

export default function setup() {
  if (process.env.E2E_SKIP_BUILD === '1' && fs.existsSync(path.join(ROOT, E2E_DIST_DIR, 'BUILD_ID'))) return;
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build', ...(process.env.E2E_BUILD_ARGS?.split(' ').filter(Boolean) ?? [])], {
    cwd: ROOT,
    env: { ...process.env, NEXT_DIST_DIR: E2E_DIST_DIR, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
  console.log(`[e2e] next build in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
