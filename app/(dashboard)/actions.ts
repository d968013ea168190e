'use server';

import { redirect } from 'next/navigation';
import { createClient } from '@/lib/supabase/server';

export async function signOut() {
  const supabase = await createClient();
  // scope 'local': only this browser; colleagues sharing an account elsewhere stay signed in
  await supabase.auth.signOut({ scope: 'local' });
  redirect('/login');
}
