import { Fragment, type ReactNode } from 'react';

/**
 * Text a user wrote (a key's, team's or domain's name, a subject, an address), isolated from
 * what surrounds it: a Hebrew or Arabic name ending in "!" would otherwise show the "!" on the
 * wrong side inside an English sentence. `<bdi>` adds no characters, so text content and
 * accessible names stay the same strings.
 */
export function UserText({ children }: { children: ReactNode }) {
  return <bdi>{children}</bdi>;
}

/**
 * A sentence whose interpolations are user text, for messages that take a node (toasts):
 * bidi`Removed ${name}` is "Removed <bdi>name</bdi>".
 */
export function bidi(strings: TemplateStringsArray, ...values: readonly ReactNode[]): ReactNode {
  return strings.map((s, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: the parts of a template are fixed
    <Fragment key={i}>
      {s}
      {i < values.length && <UserText>{values[i]}</UserText>}
    </Fragment>
  ));
}

/**
 * User text inside a plain string that cannot hold an element (document.title): wrapped in
 * FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, the characters `<bdi>` stands for.
 */
export const isolate = (text: string) => `\u2068${text}\u2069`;
