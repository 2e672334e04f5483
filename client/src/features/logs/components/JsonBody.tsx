import { useId } from 'react';
import { Button } from '../../../ui/Button';
import { copyToClipboard } from '../../../ui/CopyField';

/** A request or response body as indented JSON (long lines wrap), with Copy, in a region named by its title. */
export function JsonBody({ title, value }: { title: string; value: unknown }) {
  const id = useId();
  const empty = value === null || value === undefined;
  return (
    <section className="json-body" aria-labelledby={id}>
      <div className="section-heading-row">
        <h2 id={id} className="section-title">
          {title}
        </h2>
        {!empty && (
          <Button size="sm" variant="ghost" aria-label={`Copy ${title.toLowerCase()}`} onClick={() => copyToClipboard(JSON.stringify(value, null, 2))}>
            Copy
          </Button>
        )}
      </div>
      {empty ? (
        <p className="muted json-empty">No body</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <pre className="code-block code-block-wrap" tabIndex={0}>
          <code>{JSON.stringify(value, null, 2)}</code>
        </pre>
      )}
    </section>
  );
}
