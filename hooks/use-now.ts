'use client';

import { useEffect, useState } from 'react';

/** The current time, refreshed every `ms` (relative times and countdowns). */
export function useNow(ms: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
