import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { requireSecret } from '../../lab-store/lab-secrets.ts';
import { plannedFileContent } from '../../orchestrator/materialize-container.ts';
import { ELASTICSEARCH_URL_IN_LAB, AGENT_POLICY_ID, FLEET_SERVER_POLICY_ID, FLEET_SERVER_URL_IN_LAB } from '../../planner/plan-lab.ts';
import { roleBody, sampleDataOperations, userBody } from '../../stack/elasticsearch-setup.ts';
import { fleetRequests } from '../../stack/kibana-fleet-setup.ts';
import type { ExportedFile, ExportInput, ExportResult } from '../export-types.ts';
import { EXPORT_PATHS, keystoreValueSource, sourceOfPlannedFile } from './compose-layout.ts';
import { composeDocument } from './compose-document.ts';
import { composeReadme } from './compose-readme.ts';
import { REQUEST_FILES, fleetSetupScript, placeFilesScript, revokeEnrollmentScript, securitySetupScript, volumeOwnersScript } from './setup-scripts.ts';

/** Elastic's images run as 1000:0; the setup one-shots read the bind-mounted files as that user. */
const IMAGE_USER = { uid: 1000, gid: 0 };

export interface ComposeExportOptions {
  /** Who the files are made for: root can hand them to the image user; anyone else is told how. */
  processUid?: number;
  now: Date;
}

/**
 * Writes the lab as a Compose project into input.outDir: docker-compose.yml, the setup scripts
 * and request bodies, each component's certificates, settings files and keystore values, the
 * secrets the setup sends, and a README. Secrets are files (0600, in 0700/0750 folders), never
 * YAML or env.
 */
export function writeComposeExport(input: ExportInput, options: ComposeExportOptions): ExportResult {
  const { plan, secrets, certsDir, outDir } = input;
  const files: ExportedFile[] = [];
  const write = (path: string, content: string | Buffer, mode: number, purpose: string, secret = false) => {
    const absolute = join(outDir, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, content, { mode });
    chmodSync(absolute, mode);
    files.push({ path, mode, purpose, secret });
  };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const caPem = readFileSync(join(certsDir, 'ca', 'ca.crt'), 'utf8');
  const caFingerprintSha256 = readFileSync(join(certsDir, 'ca', 'fingerprint'), 'utf8').trim();

  // Setup: world-readable, no secret in it.
  const setup = (name: string) => `${EXPORT_PATHS.setupDir}/${name}`;
  write(setup(REQUEST_FILES.caCertificate), caPem, 0o644, 'the lab CA certificate the setup scripts verify Elasticsearch and Kibana with');
  const volumeOwners = volumeOwnersScript(plan);
  if (volumeOwners) write(setup('volume-owners.sh'), volumeOwners, 0o644, "gives fresh agent volumes the image user's ownership (the one step that runs as root, with CHOWN and FOWNER only)");
  write(setup('security-setup.sh'), securitySetupScript(plan), 0o644, "kibana_system's password, roles, users, Fleet Server's service token, sample data; then bootstrap-only settings removed");
  for (const role of plan.roles) write(setup(REQUEST_FILES.role(role.name)), json(roleBody(role)), 0o644, `role ${role.name}: ${role.description}`);
  write(
    setup(REQUEST_FILES.sampleData),
    `${sampleDataOperations(options.now)
      .map((line) => JSON.stringify(line))
      .join('\n')}\n`,
    0o644,
    'sample documents for lab-logs-sample',
  );
  const fleet = plan.containers.some((c) => c.kind === 'fleet-server');
  if (fleet) {
    write(setup('fleet-setup.sh'), fleetSetupScript(plan), 0o644, "Fleet's setup, policies, Fleet Server host, the output trusting the lab CA, the agents' enrollment token");
    write(setup(REQUEST_FILES.fleetServerPolicy), json(fleetRequests.fleetServerPolicy(FLEET_SERVER_POLICY_ID)), 0o644, 'Fleet Server policy');
    write(setup(REQUEST_FILES.agentPolicy), json(fleetRequests.agentPolicy(AGENT_POLICY_ID)), 0o644, 'agent policy');
    write(setup(REQUEST_FILES.fleetServerHost), json(fleetRequests.fleetServerHost(FLEET_SERVER_URL_IN_LAB)), 0o644, 'Fleet Server host');
    const output = fleetRequests.output({ elasticsearchUrl: ELASTICSEARCH_URL_IN_LAB, caPem, caFingerprintSha256 });
    write(setup(REQUEST_FILES.output), json(output), 0o644, 'Fleet output trusting the lab CA');
    write(setup(REQUEST_FILES.outputWithId), json({ id: fleetRequests.defaultOutputId, ...output }), 0o644, 'the same output, where Fleet made none');
    write(setup(REQUEST_FILES.enrollmentKey), json(fleetRequests.enrollmentKey(AGENT_POLICY_ID)), 0o644, 'enrollment token request for the agent policy');
  }
  const revoke = revokeEnrollmentScript(plan);
  if (revoke) write(setup('revoke-enrollment.sh'), revoke, 0o644, 'revokes the enrollment token once every agent is enrolled');

  // Secrets: what the setup sends, 0600 in a 0700 folder.
  const secret = (name: string) => `${EXPORT_PATHS.secretsDir}/${name}`;
  const curlUser = (username: string, password: string) => `user = ${JSON.stringify(`${username}:${password}`)}\n`;
  write(secret(REQUEST_FILES.elasticCurlConfig), curlUser('elastic', requireSecret(secrets, 'elastic-password')), 0o600, "curl config with elastic's credentials, for the security setup", true);
  write(secret(REQUEST_FILES.elasticPassword), json({ password: requireSecret(secrets, 'elastic-password') }), 0o600, "elastic's password, stored through the security API so every node knows it", true);
  if (plan.containers.some((c) => c.kind === 'kibana')) {
    write(secret(REQUEST_FILES.labAdminCurlConfig), curlUser('lab_admin', requireSecret(secrets, 'lab-admin-password')), 0o600, "curl config with lab_admin's credentials, for the Fleet setup", true);
    write(secret(REQUEST_FILES.kibanaSystemPassword), json({ password: requireSecret(secrets, 'kibana-system-password') }), 0o600, "kibana_system's password", true);
  }
  for (const user of plan.users) write(secret(REQUEST_FILES.user(user.username)), json(userBody(user, requireSecret(secrets, user.secret))), 0o600, `user ${user.username} with its password`, true);

  // Each component: its files with the plan's modes, its keystore values.
  for (const container of plan.containers) {
    const dir = EXPORT_PATHS.componentDir(container.component);
    write(`${dir}/place-files.sh`, placeFilesScript(container), 0o644, `puts ${container.component}'s files and keystore into its volumes`);
    for (const file of container.files) {
      if (typeof file.from === 'object' && 'secret' in file.from && file.from.secret === 'fleet-server-service-token') continue;
      const isSecret = file.mode === 0o600;
      write(`${dir}/${sourceOfPlannedFile(container, file)}`, plannedFileContent(file, certsDir, secrets), file.mode, `${container.component}: ${file.path}`, isSecret);
    }
    for (const file of container.filesOnceFormed)
      write(`${dir}/${sourceOfPlannedFile(container, file, 'once-formed')}`, plannedFileContent(file, certsDir, secrets), file.mode, `${container.component}: ${file.path} once the cluster has formed`);
    for (const entry of container.keystore) write(`${dir}/${keystoreValueSource(entry.setting)}`, requireSecret(secrets, entry.secret), 0o600, `${container.component}: keystore value of ${entry.setting}`, true);
  }

  const document = composeDocument(plan, { volumeOwners: Boolean(volumeOwners), revokeEnrollment: Boolean(revoke) });
  // YAML 1.1 output: Debian's docker-compose (PyYAML) reads an unquoted `no` as false.
  write('docker-compose.yml', `# Lab "${plan.lab}", exported by seclab. See README.md.\n${stringify(document, { version: '1.1', lineWidth: 0 })}`, 0o644, 'the Compose project');
  write('.env', `COMPOSE_PROJECT_NAME=seclab-${plan.lab}\n`, 0o644, "Compose's project name");

  const ownership = handOver(outDir, files, options.processUid);
  const nextSteps = [
    ...(ownership ? [ownership] : []),
    ...(plan.emulated ? ['npx seclab emulator build   # the emulated images, if this engine lacks them'] : []),
    `cd ${outDir} && docker compose up -d   # or docker-compose up -d`,
    `seclab status --lab ${plan.lab}`,
    `seclab down --lab ${plan.lab}   # or: docker compose down -v`,
  ];
  write('README.md', composeReadme(input, files, nextSteps), 0o644, 'this guide');
  return { format: 'compose', outDir, files, nextSteps };
}

/**
 * The setup one-shots run as the image user (1000:0) and read the bind-mounted components and
 * secrets folders: as root, they are handed to that user; anyone else gets the command to run
 * (Elastic's docs say the same of bind-mounted config: readable by uid 1000 or gid 0).
 */
function handOver(outDir: string, files: ExportedFile[], uid: number | undefined): string | undefined {
  const privateTrees = [EXPORT_PATHS.secretsDir, 'components'];
  chmodSync(join(outDir, EXPORT_PATHS.secretsDir), 0o700);
  for (const file of files) if (file.path.startsWith('components/')) chmodSync(join(outDir, dirname(file.path)), 0o750);
  if (uid === undefined || uid === IMAGE_USER.uid) return undefined;
  if (uid !== 0) return `sudo chown -R ${IMAGE_USER.uid}:${IMAGE_USER.gid} ${privateTrees.map((tree) => join(outDir, tree)).join(' ')}   # the setup runs as Elastic's image user`;
  const owned = new Set<string>(privateTrees);
  for (const file of files.filter((f) => privateTrees.some((tree) => f.path.startsWith(`${tree}/`)))) {
    owned.add(file.path);
    for (let dir = dirname(file.path); dir !== '.'; dir = dirname(dir)) owned.add(dir);
  }
  for (const path of owned) chownSync(join(outDir, path), IMAGE_USER.uid, IMAGE_USER.gid);
  return undefined;
}
