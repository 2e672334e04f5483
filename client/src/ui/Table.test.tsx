import { fireEvent, render, screen } from '@testing-library/react';
import { createPortal } from 'react-dom';
import { describe, expect, it, vi } from 'vitest';
import { withStylesheets } from '../test/stylesheets';
import { menuColumn } from './Menu';
import { Table } from './Table';

describe('Table row clicks', () => {
  it('open the row from a plain cell, not from a control in it nor from a menu it opened in a portal', () => {
    const onRowClick = vi.fn();
    render(
      <Table
        label="Things"
        rows={[{ id: 'a' }]}
        rowKey={(r) => r.id}
        onRowClick={onRowClick}
        columns={[
          { header: 'Name', cell: () => <span>Plain</span> },
          { header: 'Do', cell: () => <button type="button">Control</button> },
          {
            header: 'Menu',
            cell: () =>
              createPortal(
                <div role="menuitem" tabIndex={-1}>
                  Cancel email
                </div>,
                document.body,
              ),
          },
        ]}
      />,
    );
    fireEvent.click(screen.getByText('Control'));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Cancel email' }));
    expect(onRowClick).not.toHaveBeenCalled();
    fireEvent.click(screen.getByText('Plain'));
    expect(onRowClick).toHaveBeenCalledWith({ id: 'a' });
  });
});

describe('Table layout', () => {
  withStylesheets('app/styles.css');

  it('keeps every absolutely positioned part of a cell inside the scroll box (a hidden header cannot widen the page)', () => {
    const { container } = render(
      <Table
        label="Things"
        rows={[{ id: 'a' }]}
        rowKey={(r) => r.id}
        columns={[
          { header: 'Name', cell: (r) => r.id },
          menuColumn<{ id: string }>(
            (r) => r.id,
            () => [{ label: 'Do', onSelect: () => {} }],
          ),
        ]}
      />,
    );
    const wrap = container.querySelector('.table-wrap');
    const hidden = [...container.querySelectorAll<HTMLElement>('.table-wrap *')].filter((el) => getComputedStyle(el).position === 'absolute');
    expect(hidden.map((el) => el.textContent)).toEqual(['Actions']);
    for (const el of hidden) {
      // Its containing block: the nearest positioned ancestor. The wrap's overflow clips it only
      // when that is the wrap or inside it; otherwise it sticks out of the page.
      let block = el.parentElement;
      // (jsdom reads an unset position as '', not 'static'.)
      while (block && ['', 'static'].includes(getComputedStyle(block).position)) block = block.parentElement;
      expect(block && wrap?.contains(block)).toBe(true);
    }
  });
});
