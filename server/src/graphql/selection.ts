import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/** The fields of selection sets, fragments spread and inline fragments expanded (directives ignored: counted as asked). */
function fieldsOf(sets: readonly SelectionSetNode[], info: GraphQLResolveInfo, seen = new Set<string>()): FieldNode[] {
  const out: FieldNode[] = [];
  for (const set of sets) {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) out.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf([s.selectionSet], info, seen));
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment = info.fragments[s.name.value];
        if (fragment) out.push(...fieldsOf([fragment.selectionSet], info, seen));
      }
    }
  }
  return out;
}

const cache = new WeakMap<object, Map<string, boolean>>();

/**
 * Whether the object a field belongs to is also asked for any of `names` (its siblings, across
 * fragments and aliases): found from the operation by the field's path, once per operation and
 * path (list indices left out, so once for a whole list).
 */
export function siblingsInclude(info: GraphQLResolveInfo, names: ReadonlySet<string>): boolean {
  const keys: string[] = [];
  for (let p = info.path.prev; p; p = p.prev) if (typeof p.key === 'string') keys.unshift(p.key);
  const id = `${keys.join('.')}|${[...names].join(',')}`;
  let byPath = cache.get(info.operation);
  if (!byPath) {
    byPath = new Map();
    cache.set(info.operation, byPath);
  }
  const known = byPath.get(id);
  if (known !== undefined) return known;
  let sets: SelectionSetNode[] = [info.operation.selectionSet];
  for (const key of keys) {
    sets = fieldsOf(sets, info).flatMap((f) => ((f.alias ?? f.name).value === key && f.selectionSet ? [f.selectionSet] : []));
  }
  const found = fieldsOf(sets, info).some((f) => names.has(f.name.value));
  byPath.set(id, found);
  return found;
}
