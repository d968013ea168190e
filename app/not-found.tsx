import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Page not found' };

/**
 * Every 404 of the app: unknown URLs, and notFound() from any page (such as /inbox/not-a-uuid). A notFound()
 * thrown by a page reaches the browser as Next's bare error document, and the tree (the inbox layout
 * included) is rendered there, where the root layout's inline configuration script never runs: that is why
 * the inbox provider takes its configuration as a prop. This page itself needs no client code or configuration.
 */
export default function NotFound() {
  return (
    <main className="auth-page">
      <section className="auth-card stack" aria-labelledby="not-found-title">
        <h1 id="not-found-title">Page not found</h1>
        <p className="muted">There is nothing at this address. The link may be mistyped, or the page may have moved.</p>
        <Link href="/inbox">Go to the inbox</Link>
      </section>
    </main>
  );
}
