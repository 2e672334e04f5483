import type { ReactNode } from 'react';

export type Column<T> = {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Visually hidden header, for columns of buttons. */
  srOnlyHeader?: boolean;
  align?: 'left' | 'right';
  width?: string;
  /** Stays in view at the right edge while the table scrolls sideways (a row's actions). */
  sticky?: boolean;
  /** Kept on one line: a short value ("28 minutes ago") that wrapped word by word in a tight table. */
  nowrap?: boolean;
};

export type TableProps<T> = {
  /** The table's accessible name. */
  label: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  empty?: ReactNode;
  /** Under 768 px wide, each row becomes a card with its headers as labels. */
  cards?: boolean;
  /**
   * Makes the whole row open what its link opens: a click anywhere but on a control or a text
   * selection. Keyboard users use the row's own link, which the row must hold.
   */
  onRowClick?: (row: T) => void;
};

const cellClass = <T,>(c: Column<T>) =>
  [c.sticky ? 'cell-sticky' : '', c.align === 'right' ? 'cell-right' : '', c.nowrap ? 'cell-nowrap' : ''].filter(Boolean).join(' ') || undefined;

export function Table<T>({ label, columns, rows, rowKey, empty, cards, onRowClick }: TableProps<T>) {
  if (rows.length === 0 && empty) return <>{empty}</>;
  return (
    <div className={cards ? 'table-wrap table-wrap-cards' : 'table-wrap'}>
      <table className={cards ? 'table table-cards' : 'table'} aria-label={label}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are static for a table
                key={i}
                scope="col"
                className={cellClass(c)}
                style={c.width ? { width: c.width } : undefined}
              >
                {c.srOnlyHeader ? <span className="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={rowKey(row)}
              className={onRowClick ? 'row-clickable' : undefined}
              // A pointer shortcut: the row's link serves the keyboard.
              onClick={
                onRowClick
                  ? (e) => {
                      // A click in a menu or dialog the row opened reaches it through React, from a
                      // portal outside it: that is the menu's, not the row's.
                      if (!e.currentTarget.contains(e.target as Node)) return;
                      if ((e.target as Element).closest('a, button, input, select, textarea, label')) return;
                      if (window.getSelection()?.toString()) return;
                      onRowClick(row);
                    }
                  : undefined
              }
            >
              {columns.map((c, i) => (
                <td
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are static for a table
                  key={i}
                  className={cellClass(c)}
                  data-label={typeof c.header === 'string' && !c.srOnlyHeader ? c.header : undefined}
                >
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
