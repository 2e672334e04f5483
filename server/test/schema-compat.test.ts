import fs from 'node:fs';
import { CriticalityLevel, DiffRule, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';

/*
 * Deprecations, not breaks (README, "Schema changes"): tools generate clients from the schema, so
 * the schema may only grow. schema/released.graphql is the schema of the last release; the current
 * one must keep every type, field, argument and enum value it has, with compatible types. A field
 * may go only once it was already @deprecated in the released schema.
 */
const read = (name: string) => buildSchema(fs.readFileSync(new URL(`../../schema/${name}`, import.meta.url), 'utf8'));

async function breakingChanges(before: string | ReturnType<typeof buildSchema>, after: string | ReturnType<typeof buildSchema>) {
  const schema = (s: string | ReturnType<typeof buildSchema>) => (typeof s === 'string' ? buildSchema(s) : s);
  const changes = await diff(schema(before), schema(after), [DiffRule.suppressRemovalOfDeprecatedField]);
  return changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking).map((c) => `${c.path ?? ''}: ${c.message}`);
}

describe('schema/schema.graphql against the released schema', () => {
  it('has no breaking change', async () => {
    const breaking = await breakingChanges(read('released.graphql'), read('schema.graphql'));
    expect(breaking, 'breaking changes: deprecate with @deprecated(reason) instead, and remove in a later release').toEqual([]);
  });
});

describe("schema/schema.graphql against the contract's names (schema/contract.graphql, from PRODUCT.md)", () => {
  it('has every type, field, argument and enum value the contract names, with compatible types', async () => {
    const breaking = await breakingChanges(read('contract.graphql'), read('schema.graphql'));
    expect(breaking, 'the contract names these: add freely, rename nothing').toEqual([]);
  });
});

describe('the check itself', () => {
  const released = `
    type Query { key(id: ID!): Key, keys(first: Int): [Key!]! }
    type Key { id: ID!, name: String!, old: String @deprecated(reason: "Use name") }
    enum Status { ACTIVE INACTIVE }
    type Mutation { setStatus(status: Status!): Key }
  `;

  it('passes additions: a type, a field, an optional argument, an enum value, a deprecation', async () => {
    const grown = `
      type Query { key(id: ID!): Key, keys(first: Int, after: String): [Key!]!, more: More }
      type More { x: Int }
      type Key { id: ID!, name: String! @deprecated(reason: "Use label"), label: String, old: String @deprecated(reason: "Use name") }
      enum Status { ACTIVE INACTIVE NEVER_USED }
      type Mutation { setStatus(status: Status!): Key }
    `;
    expect(await breakingChanges(released, grown)).toEqual([]);
  });

  it('passes removing a field that was deprecated in the released schema', async () => {
    const removed = released.replace(', old: String @deprecated(reason: "Use name")', '');
    expect(await breakingChanges(released, removed)).toEqual([]);
  });

  it('fails removing a field, an enum value or a type, making a type stricter or an argument required', async () => {
    const cases = [
      released.replace(', name: String!', ''),
      released.replace(' INACTIVE', ''),
      released.replace('key(id: ID!): Key', 'key(id: ID!): Key!').replace('keys(first: Int)', 'keys(first: Int!)'),
      released.replace('type Mutation { setStatus(status: Status!): Key }', ''),
      released.replace('name: String!', 'name: Int!'),
    ];
    for (const after of cases) expect(await breakingChanges(released, after), after).not.toEqual([]);
  });
});
