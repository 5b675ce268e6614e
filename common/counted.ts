/** "1 network", "0 networks", "8 volumes": a count with its noun, singular only for one. */
export function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

/** "4 containers, 8 volumes, 1 network": what a teardown or a rollback removed. */
export function removedObjects(removed: { containers: number; volumes: number; networks: number }): string {
  return `${counted(removed.containers, 'container')}, ${counted(removed.volumes, 'volume')}, ${counted(removed.networks, 'network')}`;
}
