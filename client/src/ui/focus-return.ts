import { type RefObject, useEffect } from 'react';

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

/**
 * The same control re-rendered elsewhere (e.g. "Create API Key" moves from the empty state to the
 * header; a form's Save comes back when Back closes its confirmation), looked for inside `scope`.
 */
function sameControl(opener: Opener | null | undefined, scope: Element | null): HTMLElement | null {
  if (!opener) return null;
  if (focusable(opener.element) && (!scope || scope.contains(opener.element))) return opener.element;
  const root = scope ?? document.querySelector('main');
  if (opener.label && root) {
    for (const el of root.querySelectorAll<HTMLElement>('button, a[href], [role="button"]')) {
      if (labelOf(el) === opener.label && focusable(el)) return el;
    }
  }
  return null;
}

/** A control that takes focus: a disabled one (Sign out other sessions, with none left) drops it to the body. */
const focusable = (el: HTMLElement) => el.isConnected && !el.matches(':disabled');

/** A dialog still open as another closes: the one that took its place (a form, back from its confirmation). */
const openDialog = () => document.querySelector<HTMLElement>('[role="dialog"][data-state="open"]');

function heading(): HTMLElement | null {
  const h1 = document.querySelector<HTMLElement>('main h1');
  if (h1 && !h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
  return h1;
}

/**
 * Focuses the opener when it is still on the page; otherwise (its row was removed, the page
 * changed) the same control elsewhere, else the page control that opened the dialog it was opened
 * from, else the page heading, waiting a few frames for a page
 * that is still loading. While another dialog is open, focus stays inside that one.
 */
export function returnFocus(opener: Opener | null, tries = 30): void {
  const dialog = openDialog();
  if (dialog) {
    // The page behind a modal dialog is out of reach: focus there would be lost to the user.
    const target = sameControl(opener, dialog) ?? sameControl(opener?.outer, dialog);
    if (target) target.focus();
    else if (!dialog.contains(document.activeElement)) dialog.focus();
    return;
  }
  // A dialog opened from another one that is gone (Back from a confirmation) goes back to the
  // control on the page that opened the first.
  const target = sameControl(opener, null) ?? sameControl(opener?.outer, null) ?? heading();
  if (target) {
    target.focus({ preventScroll: false });
    return;
  }
  if (tries > 0) requestAnimationFrame(() => returnFocus(opener, tries - 1));
}

/**
 * Keeps keyboard focus on the page when the focused control goes away under it: a session's "Sign
 * out" or an invitation's row removed, a button disabled. The browser drops focus to the body (the
 * next Tab starts again from the top); focus goes to the page heading instead. Not while a dialog
 * is open (its own focus return decides), nor when focus left on purpose (a click on the page).
 */
export function useFocusRescue(main: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const root = main.current;
    if (!root) return;
    let last: HTMLElement | null = null;
    const track = (e: FocusEvent) => {
      last = e.target instanceof HTMLElement && root.contains(e.target) ? e.target : null;
    };
    const rescue = () => {
      if (!last || (last.isConnected && !last.matches(':disabled'))) return;
      const active = document.activeElement;
      if (active && active !== document.body) return;
      if (openDialog()) return;
      last = null;
      heading()?.focus();
    };
    const observer = new MutationObserver(rescue);
    observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
    document.addEventListener('focusin', track);
    return () => {
      observer.disconnect();
      document.removeEventListener('focusin', track);
    };
  }, [main]);
}
