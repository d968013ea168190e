import { signOut } from '@/lib/actions/auth';
import { Button } from '@/components/ui/button';

export function AppHeader({ title, subtitle, userLabel }: { title: string; subtitle?: string; userLabel: string }) {
  return (
    <header className="app-header">
      <div>
        <strong className="app-title">{title}</strong>
        {subtitle ? <span className="muted app-subtitle">{subtitle}</span> : null}
      </div>
      <form action={signOut} className="app-user">
        <span className="muted">{userLabel}</span>
        <Button type="submit" variant="ghost">
          Sign out
        </Button>
      </form>
    </header>
  );
}
