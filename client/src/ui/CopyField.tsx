import { Button } from './Button';
import { toast } from './toast';

/** Copies `value`, saying so in a toast. */
export async function copyToClipboard(value: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(value);
    toast.success('Copied to clipboard');
  } catch {
    // Clipboard access can be refused (permissions, insecure origin); the value stays selectable.
    toast.error('Could not copy. Select the text and copy it yourself.');
  }
}

/** A read-only value with a Copy button, for secrets and links shown once. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const copy = () => copyToClipboard(value);
  return (
    <div className="copy-field">
      <input className="input input-mono" readOnly value={value} aria-label={label} onFocus={(e) => e.currentTarget.select()} />
      <Button onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
        Copy
      </Button>
    </div>
  );
}
