import { Command, Option } from 'commander';
import { LabSpecError, labNameSchema, parseLabSpec, type LabSpecInput } from '../../common/lab-spec.ts';
import { SeclabError } from '../../common/errors.ts';

export interface SpecFlags {
  lab: string;
  nodes?: string;
  version?: string;
  images?: string;
  license?: string;
  memory?: string;
  agents?: string;
  kibana: boolean;
  fleet: boolean;
  portElasticsearch?: string;
  portKibana?: string;
  portFleetServer?: string;
}

/**
 * `--lab NAME`, checked by the lab spec's DNS-safe rule as it is parsed: the name becomes a
 * folder under SECLAB_HOME and part of Docker object names, so `../x` stops here.
 */
export function labNameOption(description = 'lab name'): Option {
  return new Option('--lab <name>', description).default('default').argParser((value: string) => {
    const parsed = labNameSchema.safeParse(value);
    if (!parsed.success) throw new SeclabError('BAD_OPTION', `--lab: ${parsed.error.issues[0]?.message ?? 'not a lab name'}`);
    return parsed.data;
  });
}

export function addLabOption(command: Command): Command {
  return command.addOption(labNameOption());
}

export function addSpecOptions(command: Command): Command {
  return addLabOption(command)
    .option('--nodes <n>', 'Elasticsearch nodes, 1–7 (default 3)')
    .option('--version <x.y.z>', 'Elastic Stack version')
    .addOption(new Option('--images <mode>', "official (Elastic's images) or emulated (local, no registry)"))
    .option('--license <type>', 'trial (default; IP filtering and audit work) or basic')
    .option('--memory <size>', 'memory per Elasticsearch node, e.g. 1g')
    .option('--agents <n>', 'Elastic Agents, 0–5 (default 1)')
    .option('--no-kibana', 'leave Kibana out (and Fleet with it)')
    .option('--no-fleet', 'leave Fleet Server and agents out')
    .option('--port-elasticsearch <port>', 'host port for Elasticsearch (default 9200 or the next free)')
    .option('--port-kibana <port>', 'host port for Kibana (default 5601 or the next free)')
    .option('--port-fleet-server <port>', 'host port for Fleet Server (default 8220 or the next free)');
}

/** A number where the flag holds one; the raw text otherwise, so the spec's error names what was typed. */
function numeric(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

export function specInputFromFlags(flags: SpecFlags): LabSpecInput {
  const input: Record<string, unknown> = { name: flags.lab };
  if (flags.version !== undefined) input.version = flags.version;
  if (flags.images !== undefined) input.images = flags.images;
  if (flags.license !== undefined) input.license = flags.license;
  if (flags.nodes !== undefined || flags.memory !== undefined) {
    input.elasticsearch = {
      ...(flags.nodes !== undefined ? { nodes: numeric(flags.nodes) } : {}),
      ...(flags.memory !== undefined ? { memory: flags.memory } : {}),
    };
  }
  if (!flags.kibana) {
    input.kibana = false;
    input.fleetServer = false;
    input.agents = 0;
  }
  if (!flags.fleet) {
    input.fleetServer = false;
    input.agents = 0;
  }
  if (flags.agents !== undefined) input.agents = numeric(flags.agents);
  const ports: Record<string, unknown> = {};
  if (flags.portElasticsearch !== undefined) ports.elasticsearch = numeric(flags.portElasticsearch);
  if (flags.portKibana !== undefined) ports.kibana = numeric(flags.portKibana);
  if (flags.portFleetServer !== undefined) ports.fleetServer = numeric(flags.portFleetServer);
  if (Object.keys(ports).length) input.ports = ports;
  return input as LabSpecInput;
}

/** The spec's fields as the person typed them: an error names the flag, with the field in brackets. */
const FLAG_OF_FIELD: Record<string, string> = {
  name: '--lab',
  version: '--version',
  images: '--images',
  license: '--license',
  'elasticsearch.nodes': '--nodes',
  'elasticsearch.memory': '--memory',
  agents: '--agents',
  kibana: '--no-kibana',
  fleetServer: '--no-fleet',
  'ports.elasticsearch': '--port-elasticsearch',
  'ports.kibana': '--port-kibana',
  'ports.fleetServer': '--port-fleet-server',
};

/** The same spec error, its fields named by the flags that set them. */
export function specErrorInFlags(error: LabSpecError): LabSpecError {
  return new LabSpecError(error.problems.map((p) => ({ ...p, field: FLAG_OF_FIELD[p.field] ? `${FLAG_OF_FIELD[p.field]} (${p.field})` : p.field })));
}

/** The flags as a spec, validated now: a bad flag is a spec error before any task list or Docker call. */
export function validSpecInputFromFlags(flags: SpecFlags): LabSpecInput {
  const input = specInputFromFlags(flags);
  parseLabSpec(input);
  return input;
}

/** A whole-number flag or argument within its range, or a BAD_OPTION that names it and what was typed. */
export function wholeNumberIn(name: string, typed: string, min: number, max: number): number {
  const value = /^\d+$/.test(typed) ? Number(typed) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw new SeclabError('BAD_OPTION', `${name}: "${typed}" is not a number from ${min} to ${max}`);
  return value;
}
