import { GraphQLError, GraphQLScalarType } from 'graphql';
import { DateTimeISOResolver as Base } from 'graphql-scalars';
import { isStorableDate, UNSTORABLE_DATE_MESSAGE } from '../lib/date-range.js';

function storable(value: Date): Date {
  if (!isStorableDate(value)) throw new GraphQLError(`A DateTimeISO ${UNSTORABLE_DATE_MESSAGE}`);
  return value;
}

/**
 * graphql-scalars' DateTimeISO, under the same name and with the same text, refusing dates that
 * PostgreSQL cannot store (year 0, signed six-digit years): an argument or a variable with one is
 * refused as any invalid value is, before a resolver runs, rather than failing its statement.
 */
export const DateTimeISOResolver = new GraphQLScalarType<Date, string>({
  ...Base.toConfig(),
  parseValue: (value) => storable(Base.parseValue(value)),
  parseLiteral: (ast, variables) => storable(Base.parseLiteral(ast, variables)),
});
