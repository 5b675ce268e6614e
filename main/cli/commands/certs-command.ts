import type { Command } from 'commander';
import { resolve } from 'node:path';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import { certificateRequestsFor } from '../../core/planner/certificate-requests.ts';
import { issueLabCertificates } from '../../core/pki/lab-pki.ts';
import type { CoreEnvironment } from '../../core/environment.ts';
import { SeclabError } from '../../../common/errors.ts';

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
      const spec = parseLabSpec({
        elasticsearch: { nodes: /^\d+$/.test(flags.nodes) ? Number(flags.nodes) : flags.nodes },
        kibana: flags.kibana,
        fleetServer: flags.kibana && flags.fleet,
        agents: 0,
      });
      const subnetIndex = Number(flags.subnetIndex);
      if (!Number.isInteger(subnetIndex) || subnetIndex < 1 || subnetIndex > 254) {
        throw new SeclabError('BAD_OPTION', `--subnet-index ${flags.subnetIndex} is not allowed: choose 1 to 254`);
      }
      const result = await issueLabCertificates({ outDir: resolve(flags.out), components: certificateRequestsFor(spec, subnetIndex), now: environment.now() });
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
