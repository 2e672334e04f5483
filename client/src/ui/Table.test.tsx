import { fireEvent, render, screen } from '@testing-library/react';
import { createPortal } from 'react-dom';
import { describe, expect, it, vi } from 'vitest';
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
