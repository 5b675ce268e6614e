import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Kibana persists its instance uuid in `<path.data>/uuid`; a read-only data dir falls back to a fresh one. */
export function resolveServerUuid(dataDir: string): string {
  const file = join(dataDir, 'uuid');
  try {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    mkdirSync(dataDir, { recursive: true });
    const uuid = randomUUID();
    writeFileSync(file, uuid);
    return uuid;
  } catch {
    return randomUUID();
  }
}
