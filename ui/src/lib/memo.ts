// Values costly to build and never changed once built (Intl formatters, collators): the one
// kept under `key`, made the first time it is asked for.
export function remembered<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}
