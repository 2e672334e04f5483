import { type KeyboardEvent, type ReactNode, useId, useRef, useState } from 'react';

export type Tab = { id: string; label: string; content: ReactNode };

/**
 * WAI-ARIA tabs: one tab stop for the list, arrow keys, Home and End move between tabs and show
 * them. Only the chosen panel is rendered.
 */
export function Tabs({ label, tabs }: { label: string; tabs: readonly Tab[] }) {
  const base = useId();
  const [chosen, setChosen] = useState(tabs[0]?.id);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const active = tabs.find((t) => t.id === chosen) ?? tabs[0];
  if (!active) return null;

  const select = (index: number) => {
    const tab = tabs[(index + tabs.length) % tabs.length];
    setChosen(tab.id);
    buttons.current.get(tab.id)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const index = tabs.indexOf(active);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    select(next);
  };

  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tab-list" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) buttons.current.set(t.id, el);
              else buttons.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${t.id}`}
            aria-selected={t === active}
            // Only the chosen panel exists in the document.
            aria-controls={t === active ? `${base}-panel-${t.id}` : undefined}
            tabIndex={t === active ? 0 : -1}
            className="tab"
            onClick={() => setChosen(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel-${active.id}`} aria-labelledby={`${base}-tab-${active.id}`} className="tab-panel">
        {active.content}
      </div>
    </div>
  );
}
