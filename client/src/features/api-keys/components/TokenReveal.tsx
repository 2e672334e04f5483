import { CopyField } from '../../../ui/CopyField';

/** A token shown once: it lives only in the dialog's state and is gone when the dialog closes. */
export function TokenReveal({ token }: { token: string }) {
  return (
    <div className="token-reveal">
      <CopyField label="Token" value={token} />
      <p className="notice notice-warning token-warning" role="note">
        You can only see this key once. Copy it now and keep it somewhere safe: it will not be shown again.
      </p>
    </div>
  );
}
