/**
 * A Docker-free local Supabase for development and tests: lite's REST + Auth and our Realtime on one port,
 * over PGlite (in memory or on disk) or a PostgreSQL URL. It knows nothing of the app that uses it.
 *
 *   const standin = await startStandin({ port: 0, db: { kind: 'pglite-memory' } });
 *   createClient(standin.url, standin.keys.publishable);
 *   await standin.close();
 */
import { preflight } from './http.ts';
import { parseConfig, type StandinOptions } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { bootstrap, migrate } from './db/migrate.ts';
import { installVault } from './db/vault.ts';
import { isAdminPath, handleAdminRequest } from './lite/admin-api.ts';
import { handleMailRequest, isMailPath } from './lite/mail-api.ts';
import { Mailer, mailContext, readAuthMailConfig, type Mail } from './lite/mailer.ts';
import { checkAuthRequest, finishAuthResponse } from './lite/auth-guard.ts';
import { inCallersShape } from './lite/auth-responses.ts';
import { neverThrows } from './lite/never-throws.ts';
import { clearLiteSchemaCache, createLiteApp, finishLiteSetup, quietExpectedDbErrors } from './lite/adapter.ts';
import { selfTest } from './lite/self-test.ts';
import { createRealtime, type Realtime } from './realtime/index.ts';
import type { RealtimeOptions } from './realtime/hub.ts';
import { checkRestRequest, finishRestResponse } from './rest/rest-guard.ts';
import { RpcFastPath } from './rest/rpc-fast-path.ts';
import { listen } from './server.ts';
import { LOCAL_ANON_JWT, LOCAL_JWT_SECRET, LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY, LOCAL_SERVICE_ROLE_JWT } from './keys.ts';

export { parseConfig, type StandinOptions } from './config.ts';
export * from './keys.ts';

export interface Standin {
  url: string;
  port: number;
  options: StandinOptions;
  keys: { publishable: string; secret: string; anon: string; serviceRole: string; jwtSecret: string };
  db: Database;
  realtime: Realtime;
  /** Auth's mail (invitations, magic links, confirmations), kept instead of sent; also `GET /mail/v1/messages`. */
  mail: { list(to?: string): Mail[] };
  /** What this start did and how long it took. */
  startup: { readyMs: number; migrationsApplied: string[]; seeded: boolean };
  /** Forget lite's cached schema (after a test changes tables outside the API). */
  reloadSchema(): Promise<void>;
  close(): Promise<void>;
}

export async function startStandin(
  overrides: Partial<StandinOptions> & { realtime?: Partial<Omit<RealtimeOptions, 'log'>> } = {},
): Promise<Standin> {
  const started = performance.now();
  const options = { ...parseConfig([], {}, overrides), ...overrides };
  process.env.LITE_TELEMETRY = '0'; // lite's library mode sends nothing; this keeps it that way if that changes
  const restoreConsole = quietExpectedDbErrors(options.log !== 'debug');
  const db = await openDatabase(options.db);
  try {
    const mailConfig = readAuthMailConfig(options.projectDir);
    const mailer = new Mailer({
      siteUrl: options.siteUrl,
      redirectUrls: [...mailConfig.redirectUrls, ...options.redirectUrls],
      templates: mailConfig.templates,
      onMail: options.log === 'silent' ? undefined : (m) => console.log(`[standin] mail to ${m.to}: "${m.subject}" (read it at ${mailer.apiUrl}/mail)`),
    });
    const app = await createLiteApp(db, { siteUrl: options.siteUrl, jwtExpiry: options.jwtExpiry, mailer });
    await bootstrap(db);
    await installVault(db, options.vaultKey);
    const { applied, seeded } = await migrate(db, options.projectDir, { seed: options.seed, extraMigrationDirs: options.extraMigrationDirs });
    await finishLiteSetup(app);
    await selfTest(app, db);
    const realtime = await createRealtime(
      db,
      { jwtSecret: LOCAL_JWT_SECRET, publishableKey: LOCAL_PUBLISHABLE_KEY, secretKey: LOCAL_SECRET_KEY },
      { ...overrides.realtime, log: options.log === 'silent' ? () => {} : undefined },
    );

    const rpcFastPath = new RpcFastPath(db, { jwtSecret: LOCAL_JWT_SECRET, secretKey: LOCAL_SECRET_KEY });
    await rpcFastPath.start();
    const liteFetch = (request: Request) => app.fetch(request);
    const server = await listen(
      {
        api: neverThrows(async (request) => {
          // a browser's preflight is answered here for every path: lite routes OPTIONS on /rest/v1/rpc/* to the function
          if (request.method === 'OPTIONS' && request.headers.has('access-control-request-method')) return preflight(request);
          const { pathname } = new URL(request.url);
          if (pathname.startsWith('/auth/v1')) {
            // the mail a request sends links where its `?redirect_to=` asks, as GoTrue's does (mailer.ts)
            return mailContext.run({ redirectTo: new URL(request.url).searchParams.get('redirect_to') }, async () => {
              if (isAdminPath(pathname)) return inCallersShape(request, await handleAdminRequest(request, db, liteFetch, mailer));
              const checked = await checkAuthRequest(request);
              return checked instanceof Response ? checked : finishAuthResponse(checked, await liteFetch(checked));
            });
          }
          const checked = await checkRestRequest(request);
          if (checked instanceof Response) return checked;
          return finishRestResponse((await rpcFastPath.handle(checked)) ?? (await liteFetch(checked)));
        }),
        realtime,
        mail: (request, remoteAddress) => (isMailPath(new URL(request.url).pathname)
          ? handleMailRequest(request, mailer, remoteAddress)
          : Response.json({ message: 'no route matched' }, { status: 404 })),
        health: () => ({ name: 'switchboard-standin', status: 'ok', realtime: realtime.stats() }),
      },
      options.host,
      options.port,
    );
    const url = `http://${options.host}:${server.port}`;
    mailer.apiUrl = url;
    return {
      url,
      port: server.port,
      options: { ...options, port: server.port },
      keys: { publishable: LOCAL_PUBLISHABLE_KEY, secret: LOCAL_SECRET_KEY, anon: LOCAL_ANON_JWT, serviceRole: LOCAL_SERVICE_ROLE_JWT, jwtSecret: LOCAL_JWT_SECRET },
      db,
      realtime,
      mail: { list: (to) => mailer.list(to) },
      startup: { readyMs: Math.round(performance.now() - started), migrationsApplied: applied, seeded },
      reloadSchema: async () => {
        rpcFastPath.invalidate();
        await clearLiteSchemaCache(app);
      },
      close: async () => {
        await realtime.close();
        await rpcFastPath.stop();
        await server.close();
        await db.close();
        restoreConsole();
      },
    };
  } catch (error) {
    await db.close().catch(() => {});
    restoreConsole();
    throw error;
  }
}
