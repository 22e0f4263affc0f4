/**
 * Sets `key` in `map`, first forgetting the oldest entry when `key` is new and the map already
 * holds `max`: memory that learns from error categories, strategies and pipeline names must stay
 * bounded whatever names pass through.
 */
export function setWithin<K, V>(map: Map<K, V>, key: K, value: V, max: number): V {
  if (map.size >= max && !map.has(key)) map.delete(map.keys().next().value as K);
  map.set(key, value);
  return value;
}
