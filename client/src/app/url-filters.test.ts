import { endOfDay } from 'date-fns';
import { describe, expect, it } from 'vitest';
import { anyValue, type DayRange, dayRangeFilter, dayRangeReaders, oneOf, urlFilters } from './url-filters';

const COLOURS = [
  { value: 'red', label: 'Red' },
  { value: 'blue', label: 'Blue' },
] as const;

type Filters = DayRange & { colour?: (typeof COLOURS)[number]['value']; q?: string };
const codec = urlFilters<Filters>({ colour: oneOf(COLOURS), q: anyValue, ...dayRangeReaders });

describe('urlFilters', () => {
  it('reads every filter, ignoring what a hand-edited URL got wrong', () => {
    expect(codec.read(new URLSearchParams('colour=blue&q=hi&from=2026-01-01&to=2026-01-31&other=1'))).toEqual({
      colour: 'blue',
      q: 'hi',
      from: '2026-01-01',
      to: '2026-01-31',
    });
    const bad = codec.read(new URLSearchParams('colour=green&q=&from=2026-02-30&to=yesterday'));
    expect(Object.values(bad).filter(Boolean)).toEqual([]);
  });

  it("writes the filters in the readers' order, without the empty ones", () => {
    expect(codec.search({ to: '2026-01-31', q: '', colour: 'red' }).toString()).toBe('colour=red&to=2026-01-31');
    expect(codec.search({}).toString()).toBe('');
  });

  it('reads back what it writes', () => {
    const filters = { colour: 'red', q: 'a b&c', from: '2026-01-01', to: '2026-01-31' } as const;
    expect(codec.read(codec.search(filters))).toEqual(filters);
  });
});

describe('day ranges', () => {
  it('become whole days in the viewer’s time zone, as ISO-8601', () => {
    expect(dayRangeFilter({ from: '2026-03-01', to: '2026-03-31' })).toEqual({
      from: new Date(2026, 2, 1).toISOString(),
      to: endOfDay(new Date(2026, 2, 31)).toISOString(),
    });
    expect(dayRangeFilter({ to: '2026-03-31' })).toEqual({ to: endOfDay(new Date(2026, 2, 31)).toISOString() });
    expect(dayRangeFilter({})).toEqual({});
  });
});
