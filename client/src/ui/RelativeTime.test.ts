import { describe, expect, it } from 'vitest';
import { relativeDistance } from './RelativeTime';

const ago = (days: number) => new Date(Date.now() - days * 86_400_000 - 60_000);
const ahead = (days: number) => new Date(Date.now() + days * 86_400_000 + 60_000);

describe('relativeDistance', () => {
  it('stays in days from 1 up to 60, both ways', () => {
    expect(relativeDistance(ago(1), { addSuffix: true })).toBe('1 day ago');
    expect(relativeDistance(ago(31), { addSuffix: true })).toBe('31 days ago');
    expect(relativeDistance(ago(45), { addSuffix: true })).toBe('45 days ago');
    expect(relativeDistance(ago(60), { addSuffix: true })).toBe('60 days ago');
    expect(relativeDistance(ahead(40))).toBe('40 days');
  });

  it('uses hours under a day and months past 60 days', () => {
    expect(relativeDistance(ago(0.25), { addSuffix: true })).toBe('6 hours ago');
    expect(relativeDistance(ago(90), { addSuffix: true })).toBe('3 months ago');
  });
});
