// Calling server actions as Next calls them, in tests: the request's cookies through next/headers (a jar the test
// can inspect), and redirect() read back from the NEXT_REDIRECT error it throws. A test file mocks next/headers with
//   vi.mock('next/headers', async () => (await import('../helpers/server-actions.ts')).nextHeaders);

export interface Cookie {
  name: string;
  value: string;
  options?: Record<string, unknown>;
}

/** The request's cookies as the action sees them. */
export const jar = new Map<string, Cookie>();

export const nextHeaders = {
  cookies: async () => ({
    getAll: () => [...jar.values()].map(({ name, value }) => ({ name, value })),
    get: (name: string) => jar.get(name),
    set: (name: string, value: string, options?: Record<string, unknown>) => {
      if (value === '' || options?.maxAge === 0) jar.delete(name);
      else jar.set(name, { name, value, options });
    },
    delete: (name: string) => jar.delete(name),
  }),
  headers: async () => new Headers({ host: 'switchboard.test' }),
};

/** Runs an action and returns where it redirected (Next's redirect() throws a NEXT_REDIRECT error), or its result. */
export async function redirectOf<T>(action: () => Promise<T>): Promise<{ location: string | null; result?: T }> {
  try {
    return { location: null, result: await action() };
  } catch (error) {
    const digest = (error as { digest?: string }).digest;
    if (typeof digest === 'string' && digest.startsWith('NEXT_REDIRECT')) return { location: digest.split(';')[2]! };
    throw error;
  }
}

export const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};
