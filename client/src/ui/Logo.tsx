export function Logo({ withName = true }: { withName?: boolean }) {
  return (
    <span className="logo">
      <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="currentColor" />
        <circle cx="13" cy="16" r="5.5" fill="none" stroke="var(--bg)" strokeWidth="2.6" />
        <path d="M18.5 16h8M24 16v4.5" stroke="var(--bg)" strokeWidth="2.6" strokeLinecap="round" />
      </svg>
      {withName && <span className="logo-name">Keyring</span>}
    </span>
  );
}
