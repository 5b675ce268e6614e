/**
 * The small part of KQL that Fleet clients send in practice: `field:"value"` or `field:value`,
 * optionally joined with `and`, with or without the saved-object type prefix
 * (`fleet-enrollment-api-keys.policy_id:"…"`).
 */
export function parseSimpleKuery(kuery: string | null | undefined): Record<string, string> {
  const filters: Record<string, string> = {};
  if (!kuery) return filters;
  for (const clause of kuery.split(/\s+and\s+/i)) {
    const m = /^\s*\(?\s*([\w.-]+)\s*:\s*"?([^"()]*)"?\s*\)?\s*$/.exec(clause);
    if (!m) continue;
    const field = (m[1] as string).split('.').pop() as string;
    filters[field] = m[2] as string;
  }
  return filters;
}
