import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Serves the built renderer; anything outside its folder, dotfiles and unknown types are 404. */
export async function serveRendererFile(rendererDir: string, urlPath: string, response: ServerResponse): Promise<void> {
  const relative = urlPath === '/' ? 'index.html' : safeDecode(urlPath.slice(1));
  const resolved = relative === undefined ? undefined : normalize(join(rendererDir, relative));
  const type = resolved ? CONTENT_TYPES[extname(resolved)] : undefined;
  const inside = resolved !== undefined && resolved.startsWith(rendererDir + sep) && !resolved.split(sep).some((part) => part.startsWith('.'));
  const info = inside && type ? await stat(resolved).catch(() => undefined) : undefined;
  if (!resolved || !type || !info?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  response.writeHead(200, { 'Content-Type': type, 'Content-Length': info.size });
  createReadStream(resolved).pipe(response);
}

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
