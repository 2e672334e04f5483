import * as RadixDialog from '@radix-ui/react-dialog';
import { type ReactNode, useRef } from 'react';
import { currentOpener, type Opener, returnFocus } from './focus-return';

export type DialogProps = {
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** An element that opens the dialog when clicked (a Button). */
  trigger?: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons shown at the bottom, right-aligned. */
  footer?: ReactNode;
  size?: 'sm' | 'md';
  /**
   * What closes it besides its buttons: Escape and a click outside (`any`, the default), Escape
   * only (`escape`: a stray click must not throw away a form being filled in), or nothing
   * (`buttons`: what it shows, a token, is gone for good once it closes).
   */
  dismiss?: 'any' | 'escape' | 'buttons';
};

const keep = (e: Event) => e.preventDefault();

/**
 * A modal dialog whose accessible name is its title. When it closes (Escape, Cancel, Done, Save,
 * or unmounted by its owner) focus returns to the control that opened it.
 */
export function Dialog({ open, onOpenChange, trigger, title, description, children, footer, size = 'md', dismiss = 'any' }: DialogProps) {
  const opener = useRef<Opener | null>(null);
  const wasOpen = useRef(false);
  // Read while rendering the opening: the DOM still holds the focused control (a menu item is
  // removed in the same commit that mounts the dialog).
  if (open && !wasOpen.current && !trigger) opener.current = currentOpener();
  wasOpen.current = Boolean(open);
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      {trigger && <RadixDialog.Trigger asChild>{trigger}</RadixDialog.Trigger>}
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        <RadixDialog.Content
          className={`dialog dialog-${size}`}
          onEscapeKeyDown={dismiss === 'buttons' ? keep : undefined}
          onInteractOutside={dismiss === 'any' ? undefined : keep}
          onCloseAutoFocus={(e) => {
            if (trigger) return;
            e.preventDefault();
            returnFocus(opener.current);
          }}
          // Without a description, say so explicitly rather than point at nothing.
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <div className="dialog-header">
            <RadixDialog.Title className="dialog-title">{title}</RadixDialog.Title>
            {description && <RadixDialog.Description className="dialog-description">{description}</RadixDialog.Description>}
          </div>
          {children && <div className="dialog-body">{children}</div>}
          {footer && <div className="dialog-footer">{footer}</div>}
          <RadixDialog.Close className="dialog-close" aria-label="Close">
            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
              <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
            </svg>
          </RadixDialog.Close>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

/** Wraps a button so that clicking it closes the surrounding dialog. */
export const DialogClose = ({ children }: { children: ReactNode }) => <RadixDialog.Close asChild>{children}</RadixDialog.Close>;
