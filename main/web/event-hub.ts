import type { ServerEvent } from '../../common/contract.ts';

export type ServerEventListener = (event: ServerEvent) => void;
export type SubscribeToEvents = (listener: ServerEventListener) => () => void;

/** Fans the handlers' events out to every open window or browser tab. */
export function createEventHub(): { emit: ServerEventListener; subscribe: SubscribeToEvents } {
  const listeners = new Set<ServerEventListener>();
  return {
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch {
          // One broken listener (a closed socket) must not starve the others.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
