import type { ButtonHTMLAttributes } from 'react';

export function Button({ className, variant = 'primary', ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'ghost' }) {
  return <button className={['button', `button-${variant}`, className].filter(Boolean).join(' ')} {...props} />;
}
