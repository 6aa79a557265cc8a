/** Maps from a key to a list, filled one value at a time (the grouping loops of the pipeline and the compiler). */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
