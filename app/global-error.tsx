'use client';

import './globals.css';

/**
 * The last resort, when the root layout itself failed: it replaces the whole document. Like app/error.tsx it
 * shows no message or stack, only the digest that matches the server's log.
 */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className="auth-page">
          <section className="auth-card stack" role="alert" aria-labelledby="global-error-title">
            <h1 id="global-error-title">Something went wrong</h1>
            <p className="muted">Switchboard could not be shown. Try again in a moment.</p>
            {error.digest ? <p className="muted small">Reference: {error.digest}</p> : null}
            <button type="button" className="button button-primary" onClick={reset}>
              Try again
            </button>
          </section>
        </main>
      </body>
    </html>
  );
}
