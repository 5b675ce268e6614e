import type { ServerResponse } from 'node:http';
import type { SubscribeToEvents } from './event-hub.ts';

const HEARTBEAT_MS = 15_000;

/**
 * GET /api/events: every ServerEvent as one JSON line (NDJSON). The renderer reads it with
 * fetch rather than EventSource, because EventSource cannot send the page-key header.
 * Returns a closer for shutdown.
 */
export function openEventStream(subscribe: SubscribeToEvents, response: ServerResponse): () => void {
  response.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', Connection: 'keep-alive' });
  response.flushHeaders();
  const unsubscribe = subscribe((event) => response.write(`${JSON.stringify(event)}\n`));
  // An empty line keeps proxies and idle timers from closing a quiet stream; readers skip it.
  const heartbeat = setInterval(() => response.write('\n'), HEARTBEAT_MS);
  const close = () => {
    clearInterval(heartbeat);
    unsubscribe();
    response.end();
  };
  response.on('close', close);
  return close;
}
