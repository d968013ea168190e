/**
 * Every attack surface, read from the code itself: the tables and functions the migrations create, the
 * API routes under app/api with the HTTP methods they export, the server actions ('use server' modules), and
 * the realtime client events the stand-in understands. The matrix tests assert an expectation for each; a new
 * table, function, route, action or event without an entry in expectations.ts fails the inventory test.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

function walk(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full, keep));
    else if (keep(full)) out.push(full);
  }
  return out.sort();
}

/** The migrations' SQL with comments removed, in the order they are applied. */
function migrationsSql(): string {
  const dir = path.join(ROOT, 'supabase/migrations');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8').replace(/--[^\n]*/g, ''))
    .join('\n');
}

/** Tables in the API schema (`public`): what PostgREST exposes. */
export function tables(): string[] {
  const names = new Set<string>();
  for (const m of migrationsSql().matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?public\.(\w+)/gi)) names.add(m[1]!);
  for (const m of migrationsSql().matchAll(/drop\s+table\s+(?:if\s+exists\s+)?public\.(\w+)/gi)) names.delete(m[1]!);
  return [...names].sort();
}

/** Views in `public` (PostgREST exposes them like tables). */
export function views(): string[] {
  const names = new Set<string>();
  for (const m of migrationsSql().matchAll(/create\s+(?:or\s+replace\s+)?(?:materialized\s+)?view\s+public\.(\w+)/gi)) names.add(m[1]!);
  return [...names].sort();
}

/** Functions in `public`: each is an RPC endpoint (`/rest/v1/rpc/<name>`) for whoever may execute it. */
export function functions(): string[] {
  const names = new Set<string>();
  for (const m of migrationsSql().matchAll(/create\s+(?:or\s+replace\s+)?function\s+public\.(\w+)\s*\(/gi)) names.add(m[1]!);
  for (const m of migrationsSql().matchAll(/drop\s+function\s+(?:if\s+exists\s+)?public\.(\w+)/gi)) names.delete(m[1]!);
  return [...names].sort();
}

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** `METHOD /api/...` for every route handler, with dynamic segments as written (`[id]`). */
export function apiRoutes(): string[] {
  const dir = path.join(ROOT, 'app/api');
  const out: string[] = [];
  for (const file of walk(dir, (f) => /[\\/]route\.(ts|tsx|js)$/.test(f))) {
    const source = readFileSync(file, 'utf8');
    const route = '/' + path.relative(path.join(ROOT, 'app'), path.dirname(file)).split(path.sep).join('/');
    for (const method of HTTP_METHODS) {
      if (new RegExp(`export\\s+(async\\s+)?function\\s+${method}\\b|export\\s+const\\s+${method}\\b|export\\s*\\{[^}]*\\b${method}\\b`).test(source)) {
        out.push(`${method} ${route}`);
      }
    }
  }
  return out.sort();
}

/**
 * Where 'use server' modules are looked for: our actions live in lib/actions/, but Next honours the directive in
 * any module, so all of lib/ and app/ are read and a stray action elsewhere still shows up in the inventory.
 */
const ACTION_DIRS = ['app', 'lib'];

/** `<file>#<export>` for every exported function of a 'use server' module under app/ or lib/. */
export function serverActions(): string[] {
  const out: string[] = [];
  const sources = ACTION_DIRS.flatMap((dir) => walk(path.join(ROOT, dir), (f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f)));
  for (const file of sources) {
    const source = readFileSync(file, 'utf8');
    if (!/^\s*(['"])use server\1/.test(source)) continue;
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    for (const m of source.matchAll(/export\s+async\s+function\s+(\w+)/g)) out.push(`${rel}#${m[1]}`);
  }
  return out.sort();
}

/** Pages: every page.tsx under app/, as its URL pattern (route groups dropped). */
export function pages(): string[] {
  return walk(path.join(ROOT, 'app'), (f) => /[\\/]page\.tsx$/.test(f))
    .map((f) =>
      '/' +
      path
        .relative(path.join(ROOT, 'app'), path.dirname(f))
        .split(path.sep)
        .filter((s) => s && !/^\(.*\)$/.test(s))
        .join('/'),
    )
    .sort();
}

function constantsByName(): Map<string, string> {
  const constants = readFileSync(path.join(ROOT, 'standin/src/protocol/constants.ts'), 'utf8');
  const byName = new Map<string, string>();
  for (const m of constants.matchAll(/export const (\w+) = '([^']+)'/g)) byName.set(m[1]!, m[2]!);
  return byName;
}

/** Names a dispatcher in `files` switches on: `case X:` / `case 'x':` / `.event === X`. */
function dispatchedNames(files: string[]): string[] {
  const byName = constantsByName();
  const names = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:case\s+|\.event\s*===\s*)(?:'([a-z_]+)'|([A-Z_]+))/g)) {
      const name = m[1] ?? byName.get(m[2]!);
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

const realtimeSources = () => walk(path.join(ROOT, 'standin/src/realtime'), (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

/** Client→server realtime events: what the stand-in's socket and channels dispatch on. */
export function realtimeClientEvents(): string[] {
  return dispatchedNames(realtimeSources().filter((f) => !/filters?\.ts$/.test(f) && !/postgres-changes/.test(f)));
}

/** postgres_changes filter operators (`column=op.value`) the stand-in accepts. */
export function realtimeFilterOperators(): string[] {
  return dispatchedNames(realtimeSources().filter((f) => /filters?\.ts$/.test(f)));
}
