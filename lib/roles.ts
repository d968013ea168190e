import type { MemberRole } from '@/types/inbox';

/** Admins and the owner manage the team, senders and templates (the database enforces it; screens follow it). */
export const isAdmin = (role: MemberRole) => role === 'owner' || role === 'admin';
