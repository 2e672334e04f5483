/** Where focus goes back when a dialog closes: the control that opened it, or its stand-in. */
export type Opener = { element: HTMLElement; label: string };

const labelOf = (el: HTMLElement) => (el.getAttribute('aria-label') ?? el.textContent ?? '').trim();

/**
 * The control behind the focused element: a menu item stands for its menu's trigger (the menu
 * closes as the dialog opens, so the item itself is gone when the dialog closes).
 */
export function currentOpener(): Opener | null {
  if (typeof document === 'undefined') return null;
  let el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body) return null;
  const menu = el.closest('[role="menu"]');
  const triggerId = menu?.getAttribute('aria-labelledby');
  if (triggerId) el = document.getElementById(triggerId) ?? el;
  return { element: el, label: labelOf(el) };
}

function findFallback(opener: Opener | null): HTMLElement | null {
  // The same control re-rendered elsewhere (e.g. "Create API Key" moves from the empty state to the header).
  if (opener?.label) {
    for (const el of document.querySelectorAll<HTMLElement>('main button, main a[href], main [role="button"]')) {
      if (labelOf(el) === opener.label) return el;
    }
  }
  const heading = document.querySelector<HTMLElement>('main h1');
  if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  return heading;
}

/**
 * Focuses the opener when it is still on the page; otherwise (its row was removed, the page
 * changed) the same control elsewhere, else the page heading, waiting a few frames for a page
 * that is still loading.
 */
export function returnFocus(opener: Opener | null, tries = 30): void {
  const target = opener?.element.isConnected ? opener.element : findFallback(opener);
  if (target) {
    target.focus({ preventScroll: false });
    return;
  }
  if (tries > 0) requestAnimationFrame(() => returnFocus(opener, tries - 1));
}
