import { describe, expect, it } from 'vitest';
import { DatabaseDownError, isConnectionError, isDatabaseUnavailable } from './connection.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('which errors mean the database is unreachable', () => {
  it.each([
    ['refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['terminated', new Error('Connection terminated unexpectedly')],
    ['terminated, as knex words it', new Error('select 1 - Connection terminated unexpectedly')],
    ['connect timeout', new Error('timeout expired')],
    ['pool wait', new Error('timeout exceeded when trying to connect')],
    ['knex wait', Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' })],
    ['admin shutdown (pg_terminate_backend, restart)', pgError('57P01')],
    ['starting up', pgError('57P03')],
    ['too many connections', pgError('53300')],
    ['class 08', pgError('08006')],
    ['the gate is shut', new DatabaseDownError()],
    ['wrapped by the ORM', Object.assign(new Error('wrapped'), { previous: pgError('57P01') })],
  ])('%s: yes', (_, err) => {
    expect(isConnectionError(err)).toBe(true);
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['unique violation', pgError('23505')],
    ['bad encoding', pgError('22P05')],
    ['syntax', pgError('42601')],
    ['a plain bug', new TypeError('x is not a function')],
    ['a statement that mentions a timeout', new Error('select 1 -- timeout expired in a comment')],
  ])('%s: no', (_, err) => {
    expect(isConnectionError(err)).toBe(false);
  });

  it('a statement timeout is a 503 but not an outage', () => {
    expect(isConnectionError(pgError('57014'))).toBe(false);
    expect(isDatabaseUnavailable(pgError('57014'))).toBe(true);
  });
});
