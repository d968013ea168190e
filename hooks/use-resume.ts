'use client';

/**
 * Coming back: a tab made visible, a page restored from the back-forward cache, the network back. Calls
 * `onResume(reason)` for each, and reports whether the browser believes it is online.
 */
import { useEffect, useEffectEvent, useState } from 'react';

export type ResumeReason = 'visible' | 'pageshow' | 'online';

export function useResume(onResume: (reason: ResumeReason) => void): { online: boolean } {
  const [online, setOnline] = useState(() => (typeof navigator === 'undefined' ? true : navigator.onLine));
  const resume = useEffectEvent(onResume);
  useEffect(() => {
    const onVisible = () => document.visibilityState === 'visible' && resume('visible');
    const onPageShow = (e: PageTransitionEvent) => e.persisted && resume('pageshow');
    const onOnline = () => {
      setOnline(true);
      resume('online');
    };
    const onOffline = () => setOnline(false);
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('pageshow', onPageShow);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('pageshow', onPageShow);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    };
  }, []);
  return { online };
}
