/** Where to go after sign-in: a same-site path only, never another origin (`//evil.test`, `https://…`). */
export function safeNextPath(value: unknown, fallback = '/inbox'): string {
  const path = Array.isArray(value) ? value[0] : value;
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return fallback;
  if (path.startsWith('/login')) return fallback;
  return path;
}
