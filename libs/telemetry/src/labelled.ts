// The child of a labelled metric, looked up once per combination of label values. prom-client's
// `inc({ route, format, code })` hashes the label object (sorting its keys into a string) on every call; on
// the request path that is a few microseconds and an allocation per metric per request, for label sets that
// are few and fixed (STYLE: bounded labels only). The children are what prom-client itself keeps.

/**
 * Wraps a metric's `labels(...values)` (values in `labelNames` order, all of them on every call) with a cache.
 * Only for bounded label values: the cache grows with each new combination, as the metric's own series do.
 */
export function labelledChildren<Child>(
  labels: (...values: string[]) => Child,
): (...values: string[]) => Child {
  const children = new Map<string, Child>();
  return (...values) => {
    const key = values.length === 1 ? values[0] : values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = labels(...values);
      children.set(key, child);
    }
    return child;
  };
}
