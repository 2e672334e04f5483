import { Button } from './Button';
import { toast } from './toast';

/**
 * The browser's copy command on a hidden text field, for pages without the Clipboard API: it
 * exists only in a secure context, and a self-hosted Keyring is often opened over plain HTTP at a
 * LAN address (http://10.0.0.5:4000), where every Copy button failed. The field goes where focus
 * is (inside an open dialog, whose focus trap would take focus back from the body), and focus
 * returns to where it was.
 */
function copyWithCommand(text: string): boolean {
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.setAttribute('aria-hidden', 'true');
  field.style.position = 'fixed';
  field.style.top = '0';
  field.style.left = '0';
  field.style.opacity = '0';
  (previous?.closest('[role="dialog"], [role="alertdialog"]') ?? document.body).append(field);
  field.focus();
  field.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  field.remove();
  previous?.focus();
  return copied;
}

/** Puts `text` on the clipboard: the Clipboard API where the page has it, the copy command otherwise. */
export async function writeClipboard(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext !== false) return navigator.clipboard.writeText(text);
  if (!copyWithCommand(text)) throw new Error('The browser refused to copy.');
}

/** Copies `value`, saying so in a toast. */
export async function copyToClipboard(value: string): Promise<void> {
  try {
    await writeClipboard(value);
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
