import { useId } from 'react';
import { type Tab, Tabs } from '../../../ui/Tabs';

/** The email as sent: its HTML rendered, its plain text, and the HTML's source. */
export function EmailBody({ html, text }: { html?: string | null; text?: string | null }) {
  const id = useId();
  const tabs: Tab[] = [];
  if (html) {
    tabs.push({
      id: 'html',
      label: 'HTML',
      content: (
        // The HTML comes from an API caller, not from us: an empty sandbox gives it a unique origin
        // with no scripts, forms, popups or top navigation, so it can neither run nor reach the app.
        <iframe className="email-preview" sandbox="" srcDoc={html} title="HTML preview" referrerPolicy="no-referrer" />
      ),
    });
  }
  if (text) {
    tabs.push({
      id: 'text',
      label: 'Text',
      content: (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <pre className="code-block email-code email-text" tabIndex={0}>
          {text}
        </pre>
      ),
    });
  }
  if (html) {
    tabs.push({
      id: 'source',
      label: 'Source',
      content: (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <pre className="code-block email-code" tabIndex={0}>
          <code>{html}</code>
        </pre>
      ),
    });
  }

  return (
    <section className="section" aria-labelledby={id}>
      <h2 id={id} className="section-title">
        Content
      </h2>
      {tabs.length ? <Tabs label="Email content" tabs={tabs} /> : <p className="muted section-empty">No body</p>}
    </section>
  );
}
