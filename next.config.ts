import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Node-only packages loaded at runtime rather than bundled.
  serverExternalPackages: ['ws', 'twilio'],
};

export default nextConfig;
