import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // gzip belongs to the CDN or proxy in front; done here it costs each tiny API answer a zlib context
  // (a third of a core at 200 webhooks/s on our 2-core machines)
  compress: false,
  // Node-only packages loaded at runtime rather than bundled.
  serverExternalPackages: ['ws', 'twilio'],
};

export default nextConfig;
