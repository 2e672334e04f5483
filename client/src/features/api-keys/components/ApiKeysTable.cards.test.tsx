import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, renderWithProviders } from '../../../test/render';
import { withStylesheetsAt } from '../../../test/stylesheets';
import { apiKey } from '../test-fixtures';
import { ApiKeysTable } from './ApiKeysTable';

withStylesheetsAt(390, 'app/styles.css', 'features/api-keys/api-keys.css');

const actions = { onEdit: vi.fn(), onRoll: vi.fn(), onRemove: vi.fn(), onDisable: vi.fn(), onEnable: vi.fn() };

describe('ApiKeysTable as cards at 390 px', () => {
  it('keeps room at the right of the name cell for the pinned "More options" button, so a long name wraps before it instead of under it', () => {
    renderWithProviders(<ApiKeysTable apiKeys={[apiKey('k1', 'Production billing service key for the EU region')]} actions={actions} />, {
      user: adminUser,
    });
    const row = within(screen.getByRole('table', { name: 'API keys' })).getAllByRole('row')[1];
    const nameCell = within(row).getAllByRole('cell')[0];
    const menu = within(row)
      .getByRole('button', { name: /more options/i })
      .closest('td');
    expect(menu && getComputedStyle(menu).position).toBe('absolute');
    // The button is 28 px wide, 8 px from the card's edge.
    expect(Number.parseFloat(getComputedStyle(nameCell).paddingRight)).toBeGreaterThanOrEqual(40);
  });
});
