import { type GraphQLNamedType, isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSchema } from '../src/graphql/schema.js';

/** "createdAt" → "created at": a description that only says this restates the name. */
const words = (name: string) => name.replace(/(?<=[a-z0-9])(?=[A-Z])|_/g, ' ').toLowerCase();
const normalize = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, '')
    .trim();

type Element = { path: string; name: string; description: string | null | undefined };

function elements(type: GraphQLNamedType): Element[] {
  const out: Element[] = [{ path: type.name, name: type.name, description: type.description }];
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      out.push({ path: `${type.name}.${field.name}`, name: field.name, description: field.description });
      for (const arg of 'args' in field ? field.args : []) {
        out.push({ path: `${type.name}.${field.name}(${arg.name})`, name: arg.name, description: arg.description });
      }
    }
  }
  if (isEnumType(type)) {
    for (const value of type.getValues()) out.push({ path: `${type.name}.${value.name}`, name: value.name, description: value.description });
  }
  return out;
}

describe('the public schema', () => {
  it('describes every type, field, argument and enum value', async () => {
    const schema = await createSchema();
    const types = Object.values(schema.getTypeMap()).filter((t) => !isIntrospectionType(t) && !isSpecifiedScalarType(t));
    const all = types.flatMap(elements);
    expect(all.length).toBeGreaterThan(300);
    const undescribed = all.filter((e) => !e.description?.trim()).map((e) => e.path);
    expect(undescribed, 'add a description (type-graphql `description`, registerEnumType valuesConfig)').toEqual([]);
    // A description that only repeats the name ("Created at") tells a tool's author nothing.
    const restated = all.filter((e) => e.description && normalize(e.description) === words(e.name)).map((e) => e.path);
    expect(restated, 'say what it is, its units, what null means').toEqual([]);
  });
});
