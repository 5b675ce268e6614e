import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { packTar } from '../../../main/core/docker/tar-archive.ts';
import type { DockerEngine } from '../../../main/core/docker/docker-engine.ts';
import { issueLabCertificates } from '../../../main/core/pki/lab-pki.ts';
import { certificateRequestsFor } from '../../../main/core/planner/certificate-requests.ts';
import type { LabRecord } from '../../../main/core/lab-store/lab-records.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `docker exec` in a lab container, optionally feeding stdin; returns exit code and output. */
export async function execIn(engine: DockerEngine, container: string, cmd: string[], stdin?: string, timeoutMs = 30_000): Promise<{ exitCode: number; output: string }> {
  const handle = engine.docker.getContainer(container);
  const exec = await handle.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: stdin !== undefined });
  const stream = (await exec.start({ hijack: true, stdin: stdin !== undefined })) as NodeJS.ReadWriteStream;
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  handle.modem.demuxStream(stream, out, out);
  if (stdin !== undefined) {
    stream.write(stdin);
    (stream as unknown as { end: () => void }).end();
  }
  await Promise.race([
    new Promise((resolve) => stream.on('end', resolve)),
    sleep(timeoutMs).then(() => {
      throw new Error(`${cmd.join(' ')} in ${container} did not finish within ${timeoutMs / 1000}s`);
    }),
  ]);
  // The exec's exit code settles a moment after its stream ends.
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = await exec.inspect();
    if (!info.Running) return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8') };
    await sleep(100);
  }
  throw new Error(`${cmd.join(' ')} in ${container} kept running`);
}

export async function waitForContainer(engine: DockerEngine, container: string, running: boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await engine.inspectContainer(container);
    if (Boolean(info?.State.Running) === running) return;
    if (Date.now() > deadline) throw new Error(`${container} is still ${info?.State.Status ?? 'missing'} after ${timeoutMs / 1000}s`);
    await sleep(500);
  }
}

/** A tar of files owned by the Elasticsearch image's user (1000:0), as materialize-container writes them. */
export function tarOf(files: Array<{ name: string; content: Buffer | string; mode: number }>): Promise<Buffer> {
  return packTar(files.map((file) => ({ name: file.name, mode: file.mode, uid: 1000, gid: 0, content: Buffer.from(file.content) })));
}

/** Certificate and key for `component` from a throw-away PKI with its own CA (same names, SANs and layout as the lab's). */
export async function foreignCertificate(record: LabRecord, component: string, now: Date): Promise<{ certificatePem: string; keyPem: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'seclab-foreign-pki-'));
  try {
    const result = await issueLabCertificates({ outDir: dir, components: certificateRequestsFor(record.spec, record.allocation.subnetIndex), now });
    const issued = result.certificates.find((c) => c.name === component);
    if (!issued) throw new Error(`the foreign PKI has no certificate for ${component}`);
    return { certificatePem: readFileSync(issued.certificatePath, 'utf8'), keyPem: readFileSync(issued.keyPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Stops an Elasticsearch node, replaces its certificate and key in its config volume, and starts it again. */
export async function swapNodeCertificate(engine: DockerEngine, container: string, node: string, certificatePem: string, keyPem: string): Promise<void> {
  await engine.stopContainer(container, 10);
  const archive = await tarOf([
    { name: `${node}.crt`, content: certificatePem, mode: 0o644 },
    { name: `${node}.key`, content: keyPem, mode: 0o600 },
  ]);
  await engine.putArchive(container, `/usr/share/elasticsearch/config/certs/${node}/`, archive);
  await engine.startContainer(container);
}
