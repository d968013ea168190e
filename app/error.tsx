'use client';

import { useEffect } from 'react';
import { Button } from '@/components/ui/button';

/**
 * A page that failed to render. The error itself is never shown: in production Next replaces a server error's
 * message with a generic one anyway, and a client error's message or stack is not for the person using the app.
 * The digest matches the server's log line, so support can find it.
 */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error('[page] render failed', error.digest ?? '');
  }, [error]);
  return (
    <main className="auth-page">
      <section className="auth-card stack" role="alert" aria-labelledby="error-title">
        <h1 id="error-title">Something went wrong</h1>
        <p className="muted">This page could not be shown. Try again in a moment.</p>
        {error.digest ? <p className="muted small">Reference: {error.digest}</p> : null}
        <Button type="button" onClick={reset}>
          Try again
        </Button>
      </section>
    </main>
  );
}
