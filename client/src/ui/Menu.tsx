import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import type { Column } from './Table';

export type MenuItem = {
  label: string;
  onSelect: () => void;
  tone?: 'danger';
  disabled?: boolean;
};

export type MenuProps = {
  /** The trigger's accessible name, e.g. "More options for ops@example.com". */
  label: string;
  items: readonly MenuItem[];
};

/** A "more options" menu behind a dots button. */
export function Menu({ label, items }: MenuProps) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger className="btn btn-ghost btn-sm btn-icon" aria-label={label}>
        <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <circle cx="3" cy="8" r="1.4" fill="currentColor" />
          <circle cx="8" cy="8" r="1.4" fill="currentColor" />
          <circle cx="13" cy="8" r="1.4" fill="currentColor" />
        </svg>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={4} aria-label={label}>
          {items.map((item) => (
            <DropdownMenu.Item
              key={item.label}
              className={item.tone === 'danger' ? 'menu-item menu-item-danger' : 'menu-item'}
              disabled={item.disabled}
              onSelect={item.onSelect}
            >
              {item.label}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/**
 * A table's last column: each row's "More options" menu (`label` names the row), or nothing for a
 * row that `items` gives none. `sticky` keeps it in view while the table scrolls sideways.
 */
export function menuColumn<T>(label: (row: T) => string, items: (row: T) => MenuItem[] | null, opts: { sticky?: boolean } = {}): Column<T> {
  return {
    header: 'Actions',
    srOnlyHeader: true,
    align: 'right',
    width: '3rem',
    sticky: opts.sticky,
    cell: (row) => {
      const list = items(row);
      return list ? <Menu label={`More options for ${label(row)}`} items={list} /> : null;
    },
  };
}
