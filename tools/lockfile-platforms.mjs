#!/usr/bin/env node
/**
 * Keeps package-lock.json usable by `npm ci` on these machines. Their npm registry mirror serves only the
 * packages for this platform, so `npm install` silently leaves out the other platforms' optional binaries
 * (@next/swc-darwin-arm64, …) and `npm ci` then refuses the lockfile ("Missing: … from lock file").
 * This adds a stub entry for each such optional dependency, marked optional and, where the name says so,
 * limited to its OS, so npm skips it here and a normal registry can still fill it in. Idempotent; runs as
 * the root `postinstall`.
 */
import fs from 'node:fs';
import path from 'node:path';

const file = path.resolve(import.meta.dirname, '../package-lock.json');
if (!fs.existsSync(file)) process.exit(0);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};
let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = key ? `${key}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const os = /(darwin|win32|android|freebsd|openbsd|netbsd|sunos|aix|openharmony)/.exec(name)?.[1];
    packages[`node_modules/${name}`] = { version: String(range).replace(/^[\^~=]/, ''), optional: true, ...(os ? { os: [os] } : {}) };
    added++;
  }
}
if (added > 0) {
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`lockfile-platforms: added ${added} optional platform entries to package-lock.json`);
}
