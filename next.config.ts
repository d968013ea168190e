import type { NextConfig } from 'next';
import { STATIC_SECURITY_HEADERS } from './lib/security-headers';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // the end-to-end tests and benchmarks build into their own folder, so a running `npm run dev` is left alone
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  // gzip belongs to the CDN or proxy in front; done here it costs each tiny API answer a zlib context
  // (a third of a core at 200 webhooks/s on our 2-core machines)
  compress: false,
  // Node-only packages loaded at runtime rather than bundled.
  serverExternalPackages: ['ws', 'twilio'],
  // Pages and API routes alike; each page's Content-Security-Policy (with its nonce) comes from proxy.ts.
  async headers() {
    return [{ source: '/:path*', headers: [...STATIC_SECURITY_HEADERS] }];
  },
};

export default nextConfig;
