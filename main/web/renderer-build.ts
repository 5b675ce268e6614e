import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeclabError } from '../../common/errors.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_SOURCE_DIR = join(REPO_ROOT, 'renderer');
export const RENDERER_OUT_DIR = join(REPO_ROOT, 'out', 'renderer');

/** `seclab ui` right after `npm install`: build the renderer when out/renderer is missing or older than its sources. */
export async function ensureRendererBuilt(log: (line: string) => void = () => {}): Promise<string> {
  const builtAt = existsSync(join(RENDERER_OUT_DIR, 'index.html')) ? statSync(join(RENDERER_OUT_DIR, 'index.html')).mtimeMs : 0;
  // An installed package ships the built renderer without its sources (package.json "files", built by prepack),
  // and npm gives every file its install time: there is nothing to compare, and no vite to build with.
  if (!existsSync(RENDERER_SOURCE_DIR)) {
    if (builtAt) return RENDERER_OUT_DIR;
    throw new SeclabError('RENDERER_MISSING', `this seclab has neither the built web UI (${RENDERER_OUT_DIR}) nor its sources: reinstall the package, or run seclab ui from a source checkout`);
  }
  const newestSource = Math.max(newestMtime(RENDERER_SOURCE_DIR), newestMtime(join(REPO_ROOT, 'common')), fileMtime(join(REPO_ROOT, 'renderer', 'vite.config.ts')));
  if (builtAt >= newestSource) return RENDERER_OUT_DIR;
  log(builtAt === 0 ? 'Building the web UI (first run, takes a few seconds)…' : 'Rebuilding the web UI (sources changed)…');
  const { build } = await import('vite');
  await build({ configFile: join(REPO_ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
  return RENDERER_OUT_DIR;
}

function fileMtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : /\.test\.tsx?$/.test(entry.name) ? 0 : statSync(path).mtimeMs);
  }
  return newest;
}
