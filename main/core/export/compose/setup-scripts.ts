import { posix } from 'node:path';
import { quote } from 'shell-quote';
import { isSecretReference, type ContainerPlan, type LabPlan, type PlannedFile } from '../../../../common/lab-plan.ts';
import { keystoreToolFor } from '../../orchestrator/keystore-tools.ts';
import { AGENT_POLICY_ID, FLEET_SERVER_POLICY_ID, FLEET_SERVER_URL_IN_LAB } from '../../planner/plan-lab.ts';
import { EXPORT_PATHS, TOKEN_FILES, keystoreValueSource, mountHolding, pathInSetupContainer, sourceOfPlannedFile } from './compose-layout.ts';

/**
 * The Compose export's setup, as bash scripts run by one-shot services of the lab's own images
 * (Elastic's Compose recipe sets kibana_system's password the same way: bash and curl in the
 * Elasticsearch image). They make the same calls, with the same bodies, as `seclab up`, and are
 * safe to run again: `docker compose up` starts finished one-shots once more.
 */

/** Marks a node's config volume once the cluster has formed: its files then leave out bootstrap-only settings. */
export const CLUSTER_FORMED_MARK = '.seclab-cluster-formed';

const HEADER = ['#!/bin/bash', '# Written by `seclab export --format compose`. Safe to run again.', 'set -euo pipefail'];

const script = (lines: string[]) => `${[...HEADER, ...lines].join('\n')}\n`;

/** Files a setup service writes at run time (tokens the cluster makes), not the component's own. */
function isMadeAtRunTime(file: PlannedFile): boolean {
  return isSecretReference(file.from) && file.from.secret === 'fleet-server-service-token';
}

/** Folders under the file's volume that must exist before it, outermost first. */
function foldersFor(container: ContainerPlan, files: PlannedFile[]): string[] {
  const folders = new Set<string>();
  for (const file of files) {
    const mount = mountHolding(container, file.path);
    for (let dir = posix.dirname(file.path); dir !== mount.target && dir.startsWith(`${mount.target}/`); dir = posix.dirname(dir)) folders.add(dir);
  }
  return [...folders].sort((a, b) => a.length - b.length);
}

const mode = (value: number) => value.toString(8).padStart(3, '0');

/** Root, with only CHOWN and FOWNER: gives fresh volumes over folders the image lacks the image user's ownership. */
export function volumeOwnersScript(plan: LabPlan): string | undefined {
  const owned = plan.containers.flatMap((container) => container.mounts.filter((mount) => mount.owner).map((mount) => ({ container, mount })));
  if (!owned.length) return undefined;
  return script([
    '# A fresh volume over a folder the image does not have starts root:root 0755: the image user (1000:0) could not write it.',
    ...owned.map(({ mount }) => {
      const path = EXPORT_PATHS.volumeInContainer(mount.source);
      return `chown ${mount.owner!.uid}:${mount.owner!.gid} ${quote([path])} && chmod ${mode(mount.owner!.mode)} ${quote([path])}`;
    }),
  ]);
}

/**
 * Run as the image user in the component's image, with its volumes: the certificates and
 * settings files with the plan's modes, and its keystore written by the image's own tool, each
 * value read from a file on stdin (never argv or env).
 */
export function placeFilesScript(container: ContainerPlan): string {
  const from = EXPORT_PATHS.componentInContainer;
  const files = container.files.filter((file) => !isMadeAtRunTime(file));
  const onceFormed = new Set(container.filesOnceFormed.map((file) => file.path));
  const lines = [`from=${from}`, 'place() { cat "$from/$1" > "$2" && chmod "$3" "$2"; }'];
  for (const folder of foldersFor(container, files)) lines.push(`mkdir -p ${quote([folder])} && chmod 750 ${quote([folder])}`);
  for (const file of files.filter((f) => !onceFormed.has(f.path))) lines.push(`place ${quote([sourceOfPlannedFile(container, file), file.path, mode(file.mode)])}`);
  if (container.filesOnceFormed.length) {
    const mark = `${mountHolding(container, container.filesOnceFormed[0].path).target}/${CLUSTER_FORMED_MARK}`;
    lines.push(`# Once the cluster has formed (the security setup leaves ${CLUSTER_FORMED_MARK}), bootstrap-only settings stay out.`);
    lines.push(`if [ -f ${quote([mark])} ]; then`);
    for (const file of container.filesOnceFormed) lines.push(`  place ${quote([sourceOfPlannedFile(container, file, 'once-formed'), file.path, mode(file.mode)])}`);
    lines.push('else');
    for (const file of files.filter((f) => onceFormed.has(f.path))) lines.push(`  place ${quote([sourceOfPlannedFile(container, file), file.path, mode(file.mode)])}`);
    lines.push('fi');
  }
  const tool = keystoreToolFor(container.kind);
  if (tool && container.keystore.length) {
    if (!tool.addCreatesKeystore) lines.push(`[ -f ${quote([tool.file])} ] || ${quote(tool.create)}`);
    for (const entry of container.keystore) lines.push(`${quote(tool.add(entry.setting))} < ${quote([`${from}/${keystoreValueSource(entry.setting)}`])}`);
  }
  lines.push(`echo ${quote([`${container.component}: files and keystore in place`])}`);
  return script(lines);
}

/** Request bodies and curl configs the scripts send, relative to the setup and secrets folders. */
export const REQUEST_FILES = {
  role: (name: string) => `requests/role-${name}.json`,
  user: (username: string) => `user-${username}.json`,
  elasticPassword: 'elastic-password.json',
  kibanaSystemPassword: 'kibana-system-password.json',
  elasticCurlConfig: 'elastic.curlrc',
  labAdminCurlConfig: 'lab-admin.curlrc',
  sampleData: 'requests/sample-data.ndjson',
  fleetServerPolicy: 'requests/fleet-server-policy.json',
  agentPolicy: 'requests/agent-policy.json',
  fleetServerHost: 'requests/fleet-server-host.json',
  output: 'requests/output.json',
  outputWithId: 'requests/output-with-id.json',
  enrollmentKey: 'requests/enrollment-key.json',
  caCertificate: 'ca.crt',
};

const setup = (file: string) => `${EXPORT_PATHS.setupInContainer}/${file}`;
const secret = (file: string) => `${EXPORT_PATHS.secretsInContainer}/${file}`;

function curlFunction(name: string, baseUrl: string, curlConfig: string, extraHeaders: string[]): string[] {
  const headers = extraHeaders.map((header) => `-H ${quote([header])}`).join(' ');
  return [
    `# ${name} METHOD PATH [curl options]: the user's credentials come from a curl config file, never argv.`,
    `${name}() { curl --silent --show-error --fail-with-body --cacert ${quote([setup(REQUEST_FILES.caCertificate)])} -K ${quote([secret(curlConfig)])} ${headers} -X "$1" ${quote([baseUrl])}"$2" "\${@:3}"; }`,
  ];
}

/** Waits up to `seconds` for `condition` (a bash test), then fails naming what it waited for. */
function waitFor(what: string, condition: string, seconds = 300): string[] {
  return [
    `echo ${quote([`Waiting for ${what}`])}`,
    `for ((attempt = 1; ; attempt++)); do if ${condition}; then break; fi; if ((attempt >= ${seconds})); then echo ${quote([`${what}: not within ${seconds} s`])} >&2; exit 1; fi; sleep 1; done`,
  ];
}

/**
 * Through Elasticsearch's security API as `elastic`, from inside es01's network namespace (the
 * IP filter admits loopback): kibana_system's password, the lab's roles and users, Fleet
 * Server's service token into its volume, the sample documents; then each node's settings
 * without bootstrap-only ones, as `seclab up` rewrites them once the cluster has formed.
 */
export function securitySetupScript(plan: LabPlan): string {
  const nodes = plan.containers.filter((c) => c.kind === 'elasticsearch');
  const fleetServer = plan.containers.find((c) => c.kind === 'fleet-server');
  const lines = [
    ...curlFunction('es', 'https://localhost:9200', REQUEST_FILES.elasticCurlConfig, ['Content-Type: application/json']),
    ...waitFor(
      `a cluster of ${nodes.length} node(s)`,
      `health=$(es GET '/_cluster/health?wait_for_nodes=${nodes.length}&timeout=5s' 2>/dev/null) && [[ $health == *'"number_of_nodes":${nodes.length}'* && $health != *'"status":"red"'* ]]`,
    ),
    // Only es01 holds the bootstrap password (as Elastic's recipe gives ELASTIC_PASSWORD to es01 only): stored by the
    // security API, the same password is elastic's on every node.
    `echo "Storing elastic's password, for every node"`,
    `es POST /_security/user/elastic/_password -d @${quote([secret(REQUEST_FILES.elasticPassword)])} > /dev/null`,
  ];
  if (plan.containers.some((c) => c.kind === 'kibana')) {
    lines.push(`echo "Setting kibana_system's password"`, `es POST /_security/user/kibana_system/_password -d @${quote([secret(REQUEST_FILES.kibanaSystemPassword)])} > /dev/null`);
  }
  for (const role of plan.roles) lines.push(`echo ${quote([`Role ${role.name}`])}`, `es PUT ${quote([`/_security/role/${role.name}`])} -d @${quote([setup(REQUEST_FILES.role(role.name))])} > /dev/null`);
  for (const user of plan.users) lines.push(`echo ${quote([`User ${user.username}`])}`, `es PUT ${quote([`/_security/user/${user.username}`])} -d @${quote([secret(REQUEST_FILES.user(user.username))])} > /dev/null`);
  const tokenPath = fleetServer && TOKEN_FILES.fleetServerToken(fleetServer);
  if (fleetServer && tokenPath) {
    const file = pathInSetupContainer(fleetServer, tokenPath);
    lines.push(
      `token_file=${quote([file])}`,
      'if [ ! -s "$token_file" ]; then',
      `  echo "A service token for Fleet Server (elastic/fleet-server), never the superuser"`,
      '  created=$(es POST "/_security/service/elastic/fleet-server/credential/token/compose-$RANDOM$RANDOM")',
      `  [[ $created =~ \\"value\\":\\ *\\"([^\\"]+)\\" ]] || { echo "no token in Elasticsearch's answer" >&2; exit 1; }`,
      '  mkdir -p "${token_file%/*}" && chmod 750 "${token_file%/*}"',
      `  (umask 077 && printf '%s' "\${BASH_REMATCH[1]}" > "$token_file")`,
      'fi',
    );
  }
  lines.push('echo "Sample documents in lab-logs-sample"', `es POST '/_bulk?refresh=true' -H 'Content-Type: application/x-ndjson' --data-binary @${quote([setup(REQUEST_FILES.sampleData)])} > /dev/null`);
  for (const node of nodes) {
    for (const file of node.filesOnceFormed) {
      const config = mountHolding(node, file.path);
      lines.push(
        `cat ${quote([`/seclab/components/${node.component}/${sourceOfPlannedFile(node, file, 'once-formed')}`])} > ${quote([pathInSetupContainer(node, file.path)])}`,
        `: > ${quote([`${EXPORT_PATHS.volumeInContainer(config.source)}/${CLUSTER_FORMED_MARK}`])}`,
      );
    }
  }
  lines.push('echo "Security set up"');
  return script(lines);
}

function kibanaFunction(): string[] {
  return curlFunction('kb', 'https://localhost:5601', REQUEST_FILES.labAdminCurlConfig, ['kbn-xsrf: seclab', 'Content-Type: application/json']);
}

/**
 * Through Kibana's Fleet API as lab_admin, from inside Kibana's network namespace: Fleet's
 * setup, both policies, the Fleet Server host, the output that trusts the lab CA, and one
 * enrollment token written into each agent's volume.
 */
export function fleetSetupScript(plan: LabPlan): string {
  const agents = plan.containers.filter((c) => c.kind === 'agent');
  const lines = [
    ...kibanaFunction(),
    ...waitFor("Fleet's setup", 'kb POST /api/fleet/setup > /dev/null 2>&1'),
    'policies=$(kb GET "/api/fleet/agent_policies?perPage=100")',
    `[[ $policies == *'"id":"${FLEET_SERVER_POLICY_ID}"'* ]] || kb POST /api/fleet/agent_policies -d @${quote([setup(REQUEST_FILES.fleetServerPolicy)])} > /dev/null`,
    `[[ $policies == *'"id":"${AGENT_POLICY_ID}"'* ]] || kb POST /api/fleet/agent_policies -d @${quote([setup(REQUEST_FILES.agentPolicy)])} > /dev/null`,
    'hosts=$(kb GET /api/fleet/fleet_server_hosts)',
    `[[ $hosts == *'"${FLEET_SERVER_URL_IN_LAB}"'* ]] || kb POST /api/fleet/fleet_server_hosts -d @${quote([setup(REQUEST_FILES.fleetServerHost)])} > /dev/null`,
    '# The output Fleet made, now trusting the lab CA; made with that id where Fleet made none.',
    `kb PUT /api/fleet/outputs/fleet-default-output -d @${quote([setup(REQUEST_FILES.output)])} > /dev/null 2>&1 || kb POST /api/fleet/outputs -d @${quote([setup(REQUEST_FILES.outputWithId)])} > /dev/null`,
  ];
  if (agents.length) {
    const tokenFiles = agents.map((agent) => pathInSetupContainer(agent, TOKEN_FILES.enrollmentToken(agent)));
    const idFiles = agents.map((agent) => pathInSetupContainer(agent, TOKEN_FILES.enrollmentKeyId(agent)));
    lines.push(
      `if [ ! -s ${quote([tokenFiles[0]])} ]; then`,
      `  created=$(kb POST /api/fleet/enrollment_api_keys -d @${quote([setup(REQUEST_FILES.enrollmentKey)])})`,
      `  [[ $created =~ \\"api_key\\":\\ *\\"([^\\"]+)\\" ]] && token=\${BASH_REMATCH[1]} || { echo "no enrollment token in Kibana's answer" >&2; exit 1; }`,
      `  [[ $created =~ \\"id\\":\\ *\\"([^\\"]+)\\" ]] && key_id=\${BASH_REMATCH[1]}`,
      ...tokenFiles.flatMap((file, index) => [
        `  mkdir -p ${quote([posix.dirname(file)])} && chmod 750 ${quote([posix.dirname(file)])}`,
        `  (umask 077 && printf '%s' "$token" > ${quote([file])} && printf '%s' "$key_id" > ${quote([idFiles[index]])})`,
      ]),
      'fi',
    );
  }
  lines.push('echo "Fleet set up"');
  return script(lines);
}

/**
 * Once every agent is enrolled (healthy, and listed by Fleet), the enrollment token has done its
 * job: revoked, as `seclab up` does, and its files removed from the agents' volumes.
 */
export function revokeEnrollmentScript(plan: LabPlan): string | undefined {
  const agents = plan.containers.filter((c) => c.kind === 'agent');
  if (!agents.length) return undefined;
  const tokenFiles = agents.map((agent) => pathInSetupContainer(agent, TOKEN_FILES.enrollmentToken(agent)));
  const idFile = pathInSetupContainer(agents[0], TOKEN_FILES.enrollmentKeyId(agents[0]));
  return script([
    ...kibanaFunction(),
    `[ -s ${quote([idFile])} ] || { echo "enrollment token already revoked"; exit 0; }`,
    ...waitFor(
      `${agents.length} agent(s) enrolled in ${AGENT_POLICY_ID}`,
      `agents=$(kb GET '/api/fleet/agents?perPage=100') && [ "$(grep -o '"policy_id":"${AGENT_POLICY_ID}"' <<< "$agents" | grep -c .)" -ge ${agents.length} ]`,
    ),
    `kb DELETE "/api/fleet/enrollment_api_keys/$(cat ${quote([idFile])})" > /dev/null`,
    `rm -f ${quote([...tokenFiles, ...agents.map((agent) => pathInSetupContainer(agent, TOKEN_FILES.enrollmentKeyId(agent)))])}`,
    'echo "Enrollment token revoked"',
  ]);
}

/** The agent's entrypoint: Elastic's image reads the enrollment token only from env, so it is read from its file into env here, never written into the compose file. */
export function agentEntrypoint(agent: ContainerPlan): string[] {
  const token = TOKEN_FILES.enrollmentToken(agent);
  return ['/bin/bash', '-c', `if [ -s ${quote([token])} ]; then FLEET_ENROLLMENT_TOKEN=$(cat ${quote([token])}); export FLEET_ENROLLMENT_TOKEN; fi; exec /usr/local/bin/docker-entrypoint "$@"`, 'docker-entrypoint'];
}
