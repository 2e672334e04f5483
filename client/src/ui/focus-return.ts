/**
 * Where focus goes back when a dialog closes: the control that opened it, or its stand-in. A
 * dialog opened from inside another (a confirmation replacing a form, and the form coming back on
 * Back) also keeps `outer`: the control on the page that opened the first one, for when the
 * dialog it was opened from is gone.
 */
export type Opener = { element: HTMLElement; label: string; outer?: Opener };

/** The last control outside any dialog that opened one. */
let pageOpener: Opener | null = null;

const labelOf = (el: HTMLElement) => (el.getAttribute('aria-label') ?? el.textContent ?? '').trim();

/**
 * The control behind the focused element: a menu item stands for its menu's trigger (the menu
 * closes as the dialog opens, so the item itself is gone when the dialog closes).
 */
export function currentOpener(): Opener | null {
  if (typeof document === 'undefined') return null;
  let el = document.activeElement as HTMLElement | null;
  // Nothing focused: a dialog replacing another whose button went busy (disabled, so blurred)
  // stands in for the same control on the page.
  if (!el || el === document.body) return pageOpener?.element.isConnected ? pageOpener : null;
  const menu = el.closest('[role="menu"]');
  const triggerId = menu?.getAttribute('aria-labelledby');
  if (triggerId) el = document.getElementById(triggerId) ?? el;
  const opener: Opener = { element: el, label: labelOf(el) };
  if (!el.closest('[role="dialog"]')) pageOpener = opener;
  else if (pageOpener) opener.outer = pageOpener;
  return opener;
}

/** The same control re-rendered elsewhere (e.g. "Create API Key" moves from the empty state to the header). */
function sameControl(opener: Opener | null | undefined): HTMLElement | null {
  if (!opener) return null;
  if (opener.element.isConnected) return opener.element;
  if (opener.label) {
    for (const el of document.querySelectorAll<HTMLElement>('main button, main a[href], main [role="button"]')) {
      if (labelOf(el) === opener.label) return el;
    }
  }
  return null;
}

function heading(): HTMLElement | null {
  const h1 = document.querySelector<HTMLElement>('main h1');
  if (h1 && !h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
  return h1;
}

/**
 * Focuses the opener when it is still on the page; otherwise (its row was removed, the page
 * changed) the same control elsewhere, else the page control that opened the dialog it was opened
 * from, else the page heading, waiting a few frames for a page
 * that is still loading.
 */
export function returnFocus(opener: Opener | null, tries = 30): void {
  // A dialog opened from another one that is gone (Back from a confirmation) goes back to the
  // control on the page that opened the first.
  const target = sameControl(opener) ?? sameControl(opener?.outer) ?? heading();
  if (target) {
    target.focus({ preventScroll: false });
    return;
  }
  if (tries > 0) requestAnimationFrame(() => returnFocus(opener, tries - 1));
}
