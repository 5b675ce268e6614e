import type { Command } from 'commander';
import { resolve, sep } from 'node:path';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import { certificateRequestsFor } from '../../core/planner/certificate-requests.ts';
import type { CoreEnvironment } from '../../core/environment.ts';
import { SeclabError } from '../../../common/errors.ts';
import { FILE_SYSTEM_REFUSALS } from '../../core/files/file-system-refusals.ts';

export function registerCertsCommand(program: Command, environment: CoreEnvironment): void {
  program
    .command('certs')
    .description("issue the lab CA and one certificate per component, in elasticsearch-certutil's PEM layout")
    .requiredOption('--out <dir>', 'folder to write ca/ and <component>/ into')
    .option('--nodes <n>', 'Elasticsearch nodes, 1–7', '3')
    .option('--no-kibana', 'no certificate for Kibana')
    .option('--no-fleet', 'no certificate for Fleet Server')
    .option('--subnet-index <n>', 'the lab subnet 172.29.<n>.0/24 whose static IPs go into the SANs', '1')
    .option('--json', 'machine-readable output')
    .action(async (flags: { out: string; nodes: string; kibana: boolean; fleet: boolean; subnetIndex: string; json?: boolean }) => {
      checkOutPath(flags.out);
      const spec = parseLabSpec({
        elasticsearch: { nodes: /^\d+$/.test(flags.nodes) ? Number(flags.nodes) : flags.nodes },
        kibana: flags.kibana,
        fleetServer: flags.kibana && flags.fleet,
        agents: 0,
      });
      const subnetIndex = /^\d+$/.test(flags.subnetIndex) ? Number(flags.subnetIndex) : Number.NaN;
      if (!Number.isInteger(subnetIndex) || subnetIndex < 1 || subnetIndex > 254) {
        throw new SeclabError('BAD_OPTION', `--subnet-index ${flags.subnetIndex} is not allowed: choose 1 to 254`);
      }
      const outDir = resolve(flags.out);
      // The PKI library loads when `certs` runs, not at every seclab start.
      const { issueLabCertificates } = await import('../../core/pki/lab-pki.ts');
      const result = await issueLabCertificates({ outDir, components: certificateRequestsFor(spec, subnetIndex), now: environment.now() }).catch((error: unknown) => {
        throw outFolderError(flags.out, error);
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      process.stdout.write(`CA ${result.caOutcome}: ${result.caCertificatePath}\n`);
      for (const certificate of result.certificates) {
        process.stdout.write(`${certificate.name.padEnd(13)} ${certificate.outcome.padEnd(7)} ${certificate.certificatePath} (until ${certificate.notAfter.slice(0, 10)})\n`);
      }
      process.stdout.write(`CA SHA-256 fingerprint: ${result.caFingerprintSha256}\n`);
    });
}

/** A path as a person can read it in one line: control characters escaped, a very long one shortened. */
function printablePath(path: string): string {
  const escaped = JSON.stringify(path).slice(1, -1);
  return escaped.length > 160 ? `${escaped.slice(0, 100)}…${escaped.slice(-40)} (${path.length} characters)` : escaped;
}

/**
 * Paths Linux can never create are refused before the first folder is made: a deep path past
 * PATH_MAX would otherwise leave the folders made before the refusal behind.
 */
function checkOutPath(out: string): void {
  if (out.includes('\0')) throw new SeclabError('BAD_OPTION', `--out ${printablePath(out)}: a path cannot hold a NUL byte`);
  const absolute = resolve(out);
  if (Buffer.byteLength(absolute) > 4095 || absolute.split(sep).some((name) => Buffer.byteLength(name) > 255)) {
    throw new SeclabError('BAD_OPTION', `--out ${printablePath(out)}: the path is too long (at most 4095 bytes, and 255 per folder name)`);
  }
}

/** A file-system refusal while writing the certificates is about --out: say so, and which folder. */
function outFolderError(out: string, error: unknown): unknown {
  if (error instanceof SeclabError) return error;
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !(code in FILE_SYSTEM_REFUSALS)) return error;
  return new SeclabError(
    'CERTS_OUT_UNUSABLE',
    `--out ${printablePath(out)}: seclab cannot write certificates there: ${FILE_SYSTEM_REFUSALS[code]} (${code}). Give --out a new or empty folder you can write to, such as ./lab-certs`,
  );
}
