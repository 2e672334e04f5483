import { useId } from 'react';

/** A request or response body as indented JSON, in a region named by its title. */
export function JsonBody({ title, value }: { title: string; value: unknown }) {
  const id = useId();
  const empty = value === null || value === undefined;
  return (
    <section className="json-body" aria-labelledby={id}>
      <h2 id={id} className="section-title">
        {title}
      </h2>
      {empty ? (
        <p className="muted json-empty">No body</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <pre className="code-block" tabIndex={0}>
          <code>{JSON.stringify(value, null, 2)}</code>
        </pre>
      )}
    </section>
  );
}
