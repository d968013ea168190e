import type { Metadata, Viewport } from 'next';
import { PublicEnvScript } from '@/components/public-env';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Switchboard', template: '%s · Switchboard' },
  description: 'A realtime WhatsApp team inbox for distributors',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

// Rendered per request: the public configuration is read from the environment at run time.
export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <head>
        <PublicEnvScript />
      </head>
      <body>{children}</body>
    </html>
  );
}
