import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { packTar } from '../../../main/core/docker/tar-archive.ts';
import { zipStored } from './zip.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

export const RECIPE_NODES = ['es01', 'es02', 'es03'] as const;

/** `seclab certs` for the recipe's three nodes (no Kibana certificate: the recipe's Kibana serves plain HTTP). */
export async function issueWithSeclabCerts(outDir: string): Promise<void> {
  await run(process.execPath, [join(REPO_ROOT, 'bin/seclab.mjs'), 'certs', '--out', outDir, '--nodes', '3', '--no-kibana', '--json'], {
    cwd: REPO_ROOT,
    timeout: 60_000,
  });
}

/**
 * The `certs` volume as the recipe's setup service leaves it after certutil — ca/ca.crt, ca/ca.key,
 * esNN/esNN.crt|key — plus the two files its `[ ! -f config/certs/ca.zip ]` and
 * `[ ! -f config/certs/certs.zip ]` tests look for, so it skips certutil. They are real archives
 * of the same files under certutil's entry names, not empty markers.
 */
export async function certsVolumeArchive(certsDir: string): Promise<{ tar: Buffer; caPem: Buffer }> {
  const file = (relative: string) => ({ name: relative, content: readFileSync(join(certsDir, relative)) });
  const ca = [file('ca/ca.crt'), file('ca/ca.key')];
  const nodes = RECIPE_NODES.flatMap((node) => [file(`${node}/${node}.crt`), file(`${node}/${node}.key`)]);
  const tar = await packTar([
    { name: 'ca/', type: 'directory', mode: 0o750, uid: 0, gid: 0 },
    ...RECIPE_NODES.map((node) => ({ name: `${node}/`, type: 'directory' as const, mode: 0o750, uid: 0, gid: 0 })),
    ...[...ca, ...nodes].map((entry) => ({ ...entry, mode: 0o640, uid: 0, gid: 0 })),
    { name: 'ca.zip', content: zipStored(ca), mode: 0o640, uid: 0, gid: 0 },
    { name: 'certs.zip', content: zipStored(nodes), mode: 0o640, uid: 0, gid: 0 },
  ]);
  return { tar, caPem: ca[0].content };
}
