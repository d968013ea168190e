import type { NextRequest } from 'next/server';
import { updateSession } from '@/lib/supabase/proxy';

export async function proxy(request: NextRequest) {
  return updateSession(request);
}

export const config = {
  // Everything except static assets. Twilio's webhooks are excluded: they carry no session.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|api/twilio/|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico)$).*)'],
};
