import type { ServerResponse } from 'node:http';
import type { SubscribeToEvents } from './event-hub.ts';

const HEARTBEAT_MS = 15_000;

/** GET /api/events: every ServerEvent as one server-sent event; returns a closer for shutdown. */
export function openEventStream(subscribe: SubscribeToEvents, response: ServerResponse): () => void {
  response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
  response.write('retry: 2000\n\n');
  const unsubscribe = subscribe((event) => response.write(`data: ${JSON.stringify(event)}\n\n`));
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const close = () => {
    clearInterval(heartbeat);
    unsubscribe();
    response.end();
  };
  response.on('close', close);
  return close;
}
