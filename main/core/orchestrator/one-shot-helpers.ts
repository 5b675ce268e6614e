/** Probes, keystore tools and the engine-limits probe: labelled with the lab so teardown finds them, but no component of it. */
export const ROLE_LABEL = 'seclab.role';

export function isOneShotHelper(container: { labels: Record<string, string> }): boolean {
  return Boolean(container.labels[ROLE_LABEL]);
}

/** On a standing probe: where it stands, `network` (on the lab network, at its own address) or `stack` (in a node's network stack). */
export const STANDING_LABEL = 'seclab.standing';

/**
 * A standing probe on the lab network: an idle Node that holds nothing of the lab (each run hands it
 * its task on stdin) and depends on no component. Reset keeps it with the network it stands on.
 */
export function isStandingNetworkProbe(container: { labels: Record<string, string> }): boolean {
  return container.labels[ROLE_LABEL] === 'probe' && container.labels[STANDING_LABEL] === 'network';
}
