import { describe, expect, it } from 'vitest';
import { logConditions, parameters, servedByIndex } from './usage-log.query.js';

const TEAM = '00000000-0000-4000-8000-000000000001';
const KEY = '00000000-0000-4000-8000-000000000002';
const served = (filter: Record<string, unknown>) => servedByIndex(logConditions(TEAM, filter as never, parameters().bind).dimensions);

describe('which log filters an index serves in time order (the rest are searched a window at a time)', () => {
  it.each([
    ['nothing', {}, true],
    ['a key', { apiKeyId: KEY }, true],
    ['a status class', { statusClass: 5 }, true],
    ['a method', { method: 'DELETE' }, true],
    ['a resource', { endpoint: '/broadcasts' }, true],
    ['a resource with a trailing slash', { endpoint: '/emails/' }, true],
    ['a resource and a method', { endpoint: '/emails', method: 'POST' }, true],
    ['a path below a resource', { endpoint: '/emails/3f8a' }, false],
    ['a path below a resource and a method', { endpoint: '/emails/3f8a', method: 'GET' }, false],
    ['a key and a status', { apiKeyId: KEY, statusClass: 4 }, false],
    ['a key and a resource', { apiKeyId: KEY, endpoint: '/emails' }, false],
  ])('%s: %s', (_label, filter, expected) => {
    expect(served(filter)).toBe(expected);
  });
});
