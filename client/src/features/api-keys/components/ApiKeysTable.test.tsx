import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, renderWithProviders } from '../../../test/render';
import { withStylesheets } from '../../../test/stylesheets';
import { apiKey, iso } from '../test-fixtures';
import { ApiKeysTable } from './ApiKeysTable';

withStylesheets('app/styles.css', 'features/api-keys/api-keys.css');

const actions = { onEdit: vi.fn(), onRoll: vi.fn(), onRemove: vi.fn(), onDisable: vi.fn(), onEnable: vi.fn() };

describe('ApiKeysTable layout', () => {
  it('lets a Disabled badge and the error rate wrap in their cells, so "Created · Expires" stays clear of the pinned actions', () => {
    const paused = apiKey('k1', 'Production', { enabled: false, usageStatus: 'ACTIVE', lastUsedAt: iso(-1), requestCount: 4 });
    renderWithProviders(
      <ApiKeysTable apiKeys={[paused]} actions={actions} recentUsage={() => ({ recentRequests: [0, 0, 0, 0, 0, 0, 4], recentErrorRate: 0.25 })} />,
      { user: adminUser },
    );
    const row = within(screen.getByRole('table', { name: 'API keys' })).getAllByRole('row')[1];
    // jsdom has no layout: what lets the columns narrow to fit 1280 px is that these may wrap.
    const badges = within(row).getByText('Disabled').closest('.inactive-marker')?.parentElement;
    expect(badges && getComputedStyle(badges).flexWrap).toBe('wrap');
    const usage = within(row).getByText('25%').parentElement;
    expect(usage && getComputedStyle(usage).flexWrap).toBe('wrap');
  });
});

describe('ApiKeysTable long names', () => {
  it('breaks a 50-character name without spaces inside its cell, so at 390 px the card neither runs under "More options" nor scrolls the page sideways', () => {
    const long = apiKey('k1', 'ThisIsAVeryLongKeyNameWithoutSpacesThatGoesOnForFi');
    renderWithProviders(<ApiKeysTable apiKeys={[long]} actions={actions} />, { user: adminUser });
    const link = screen.getByRole('link', { name: long.name });
    expect(getComputedStyle(link).overflowWrap).toBe('anywhere');
    // A flex item is never narrower than its content unless it may shrink below it.
    expect(getComputedStyle(link).minWidth).toBe('0px');
  });
});
