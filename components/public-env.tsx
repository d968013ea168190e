import { headers } from 'next/headers';
import { publicEnv } from '@/lib/env.public';
import { NONCE_HEADER } from '@/lib/security-headers';

/**
 * Hands the run-time public configuration to the browser before any client code runs (rendered by the root
 * layout on the server). It carries the request's CSP nonce (set by the proxy), or the policy would block it.
 * JSON is escaped so a value can never close the script tag.
 */
export async function PublicEnvScript() {
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  const json = JSON.stringify(publicEnv()).replace(/</g, '\\u003c');
  return <script nonce={nonce} dangerouslySetInnerHTML={{ __html: `window.__SWITCHBOARD_PUBLIC_ENV__=${json};` }} />;
}
