/** Probes, keystore tools and the engine-limits probe: labelled with the lab so teardown finds them, but no component of it. */
export const ROLE_LABEL = 'seclab.role';

export function isOneShotHelper(container: { labels: Record<string, string> }): boolean {
  return Boolean(container.labels[ROLE_LABEL]);
}
