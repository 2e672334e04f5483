import type { MatcherFunction } from '@testing-library/react';

const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/**
 * Finds a sentence whose user text sits in its own `<bdi>` ("Removed <bdi>Staging</bdi>"), which
 * a plain string matcher cannot see whole: the innermost element whose text is (or matches) it.
 */
export const sentence = (text: string | RegExp): MatcherFunction => {
  const is = (el: Element) => (typeof text === 'string' ? squash(el.textContent) === text : text.test(squash(el.textContent)));
  return (_, element) => element !== null && is(element) && ![...element.children].some(is);
};
