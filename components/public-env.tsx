import { publicEnv } from '@/lib/env.public';

/**
 * Hands the run-time public configuration to the browser before any client code runs (rendered by the root
 * layout on the server). JSON is escaped so a value can never close the script tag.
 */
export function PublicEnvScript() {
  const json = JSON.stringify(publicEnv()).replace(/</g, '\\u003c');
  return <script dangerouslySetInnerHTML={{ __html: `window.__SWITCHBOARD_PUBLIC_ENV__=${json};` }} />;
}
