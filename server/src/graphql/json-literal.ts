import { type GraphQLResolveInfo, Kind, type ValueNode } from 'graphql';
import { badInput } from '../errors.js';

/** The first enum value (`SENT`, unquoted) inside a literal, with its path below it (`emailStatus`, `a.0`). */
function enumIn(node: ValueNode, path: string[]): { path: string[]; value: string } | null {
  if (node.kind === Kind.ENUM) return { path, value: node.value };
  if (node.kind === Kind.OBJECT) {
    for (const f of node.fields) {
      const found = enumIn(f.value, [...path, f.name.value]);
      if (found) return found;
    }
  }
  if (node.kind === Kind.LIST) {
    for (const [i, v] of node.values.entries()) {
      const found = enumIn(v, [...path, String(i)]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Refuses a `JSON` input written in the query text with an unquoted word in it
 * (`filters: { emailStatus: SENT }`). The JSON scalar reads such a value as nothing at all, so the
 * condition was silently dropped: an export of every row where a few were asked for. `field` is
 * the JSON field of the input object argument `argument` (`input.filters`); a JSON value given
 * through a variable is JSON already and is not looked at.
 */
export function refuseEnumsInJsonLiteral(info: GraphQLResolveInfo, argument: string, field: string): void {
  const arg = info.fieldNodes[0]?.arguments?.find((a) => a.name.value === argument);
  if (arg?.value.kind !== Kind.OBJECT) return;
  const json = arg.value.fields.find((f) => f.name.value === field);
  if (!json) return;
  const found = enumIn(json.value, [field]);
  if (!found) return;
  throw badInput(
    found.path.join('.'),
    `${found.value} is not a JSON value: write it as a string ("${found.value}") in \`${field}\`, or pass \`${field}\` as a variable.`,
  );
}
