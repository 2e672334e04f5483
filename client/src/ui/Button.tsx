import type { ComponentProps } from 'react';

export type ButtonProps = ComponentProps<'button'> & {
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  size?: 'sm' | 'md';
  loading?: boolean;
};

/**
 * A button. While `loading`, it ignores clicks and submits but stays focusable (aria-disabled, not
 * the native attribute): a disabled button drops keyboard focus to the page, and the user who just
 * pressed it would have to find their place again.
 */
export function Button({ variant = 'secondary', size = 'md', loading = false, type = 'button', className, disabled, children, onClick, ...rest }: ButtonProps) {
  const classes = ['btn', `btn-${variant}`, `btn-${size}`, className].filter(Boolean).join(' ');
  const busy = loading && !disabled;
  return (
    <button
      type={type}
      className={classes}
      disabled={disabled}
      aria-disabled={busy || undefined}
      aria-busy={loading || undefined}
      onClick={busy ? (e) => e.preventDefault() : onClick}
      {...rest}
    >
      {loading && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
