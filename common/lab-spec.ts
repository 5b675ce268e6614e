import { z } from 'zod';
import { SeclabError } from './errors.ts';

/**
 * Newest GA confirmed when this was written: 9.5.2 (tag v9.5.2 in elastic/elastic-agent, which also
 * carries the co-located Fleet Server re-enrollment fix, elastic-agent PR #15987).
 */
export const DEFAULT_STACK_VERSION = '9.5.2';

/**
 * The oldest release the lab's plan was checked against upstream sources for (research/
 * official-images-audit.md). Older ones cannot come up with this plan: role `description` exists
 * from 8.15 (elasticsearch PR #107088), FLEET_SERVER_SERVICE_TOKEN_PATH from 8.8 (elastic-agent
 * #2424), the agent's state-path fix from 8.16 (elastic-agent #4925), and the Kibana and Fleet
 * settings and API bodies were read at the 9.4/9.5 tags.
 */
export const OLDEST_SUPPORTED_VERSION = '9.4.0';
/**
 * Before 9.5.2 a co-located Fleet Server enrolls again on every restart (its stored host,
 * localhost:8221, never matches FLEET_URL, which a custom certificate requires), filling Fleet with
 * offline Fleet Servers (elastic-agent#15922, fixed by PR #15987).
 */
export const OLDEST_FLEET_SERVER_VERSION = '9.5.2';
const NEWEST_SUPPORTED_MAJOR = 9;

function versionParts(version: string): [number, number, number] {
  const [major, minor, patch] = version.split('.').map(Number);
  return [major, minor, patch];
}

export function isAtLeastVersion(version: string, oldest: string): boolean {
  const [major, minor, patch] = versionParts(version);
  const [oldestMajor, oldestMinor, oldestPatch] = versionParts(oldest);
  if (major !== oldestMajor) return major > oldestMajor;
  if (minor !== oldestMinor) return minor > oldestMinor;
  return patch >= oldestPatch;
}

export function isSupportedStackVersion(version: string): boolean {
  return versionParts(version)[0] <= NEWEST_SUPPORTED_MAJOR && isAtLeastVersion(version, OLDEST_SUPPORTED_VERSION);
}

export const DEFAULT_HOST_PORTS = { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } as const;

/** A refused value as the error shows it: any input (even one without a prototype), long ones cut visibly. */
function shown(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value);
  } catch {
    text = typeof value;
  }
  return text.length > 80 ? `${text.slice(0, 80)}… (${text.length} characters)` : text;
}

const MEMORY_PATTERN = /^(\d+)(m|g)$/i;

/** Memory sizes as Docker and Elastic's compose recipe write them: `512m`, `1g`. */
export function memoryToBytes(memory: string): number {
  const match = MEMORY_PATTERN.exec(memory);
  if (!match) throw new Error(`not a memory size: ${memory}`);
  const amount = Number(match[1]);
  return amount * (match[2].toLowerCase() === 'g' ? 1024 ** 3 : 1024 ** 2);
}

/** DNS-safe, and so also safe in folder names and Docker object names: the one rule for a lab's name. */
export const labNameSchema = z.string({ error: 'must be a string such as "default" or "workshop-1"' }).regex(/^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/, {
  error: (issue) => `"${shown(issue.input)}" is not a DNS-safe lab name: use 1–20 characters, lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
});

const stackVersion = z
  .string({ error: `must be a version string such as "${DEFAULT_STACK_VERSION}"` })
  .regex(/^\d{1,2}\.\d{1,3}\.\d{1,3}$/, {
    error: (issue) => `"${shown(issue.input)}" is not a stack version: write it as X.Y.Z, such as ${DEFAULT_STACK_VERSION}`,
  })
  .refine(isSupportedStackVersion, {
    error: (issue) =>
      `${shown(issue.input)} is not a version this lab runs: seclab runs Elastic ${OLDEST_SUPPORTED_VERSION} and later ${NEWEST_SUPPORTED_MAJOR}.x releases, whose settings and APIs it was checked against; choose one such as ${DEFAULT_STACK_VERSION}`,
  });

const memory = z
  .string()
  .regex(MEMORY_PATTERN, { error: (issue) => `"${shown(issue.input)}" is not a memory size: write it like 512m or 2g` })
  .refine((value) => !MEMORY_PATTERN.test(value) || memoryToBytes(value) >= 512 * 1024 ** 2, {
    error: (issue) => `${shown(issue.input)} is too little memory for an Elasticsearch node: give at least 512m`,
  })
  .refine((value) => !MEMORY_PATTERN.test(value) || memoryToBytes(value) <= 16 * 1024 ** 3, {
    error: (issue) => `${shown(issue.input)} is more than a lab node should take: give at most 16g`,
  });

const hostPort = z
  .number({ error: (issue) => `"${shown(issue.input)}" is not a port number: use a whole number from 1024 to 65535` })
  .int({ error: (issue) => `${shown(issue.input)} is not a port number: use a whole number from 1024 to 65535` })
  .min(1024, { error: (issue) => `${shown(issue.input)} is a privileged port: use a port from 1024 to 65535` })
  .max(65535, { error: (issue) => `${shown(issue.input)} is not a port: use a port from 1024 to 65535` });

function countBetween(field: string, min: number, max: number) {
  const message = (input: unknown) => `${shown(input)} ${field} is not allowed: choose ${min} to ${max}`;
  return z
    .number({ error: (issue) => message(issue.input) })
    .int({ error: (issue) => message(issue.input) })
    .min(min, { error: (issue) => message(issue.input) })
    .max(max, { error: (issue) => message(issue.input) });
}

export const labSpecSchema = z
  .object({
    name: labNameSchema.default('default'),
    version: stackVersion.default(DEFAULT_STACK_VERSION),
    images: z
      .enum(['official', 'emulated'], {
        error: (issue) => `"${shown(issue.input)}" is not an images mode: use "official" (Elastic's images) or "emulated" (local images, no registry needed)`,
      })
      .default('official'),
    elasticsearch: z
      .object({
        nodes: countBetween('Elasticsearch nodes', 1, 7).default(3),
        memory: memory.default('1g'),
      })
      .strict()
      .default({ nodes: 3, memory: '1g' }),
    kibana: z.boolean({ error: 'must be true or false' }).default(true),
    fleetServer: z.boolean({ error: 'must be true or false' }).default(true),
    agents: countBetween('agents', 0, 5).default(1),
    license: z
      .enum(['trial', 'basic'], {
        error: (issue) => `"${shown(issue.input)}" is not a licence this lab can generate: use "trial" (30 days; IP filtering and audit logging work) or "basic"`,
      })
      .default('trial'),
    ports: z
      .object({
        elasticsearch: hostPort.optional(),
        kibana: hostPort.optional(),
        fleetServer: hostPort.optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((spec, context) => {
    if (spec.fleetServer && !spec.kibana) {
      context.addIssue({
        code: 'custom',
        path: ['fleetServer'],
        message: 'Fleet Server needs Kibana (Fleet is set up through Kibana): turn Kibana on, or Fleet Server off',
      });
    }
    if (spec.fleetServer && isSupportedStackVersion(spec.version) && !isAtLeastVersion(spec.version, OLDEST_FLEET_SERVER_VERSION)) {
      context.addIssue({
        code: 'custom',
        path: ['version'],
        message: `Fleet Server ${spec.version} enrolls again on every restart (elastic-agent#15922, fixed in ${OLDEST_FLEET_SERVER_VERSION}): use ${OLDEST_FLEET_SERVER_VERSION} or later, or leave Fleet Server out (--no-fleet --agents 0)`,
      });
    }
    if (spec.agents > 0 && !spec.fleetServer) {
      context.addIssue({
        code: 'custom',
        path: ['agents'],
        message: `${spec.agents} agents need a Fleet Server to enroll with: turn Fleet Server on, or set agents to 0`,
      });
    }
    const chosen = Object.entries(spec.ports).filter(([, port]) => port !== undefined);
    const seen = new Map<number, string>();
    for (const [component, port] of chosen) {
      const other = seen.get(port as number);
      if (other) {
        context.addIssue({
          code: 'custom',
          path: ['ports', component],
          message: `port ${port} is already given to ${other}: give each component its own port`,
        });
      }
      seen.set(port as number, component);
    }
  });

/** What a person or the CLI writes; every field optional. */
export type LabSpecInput = z.input<typeof labSpecSchema>;
/** A validated spec with every default filled in. */
export type LabSpec = z.output<typeof labSpecSchema>;

export class LabSpecError extends SeclabError {
  constructor(readonly problems: Array<{ field: string; message: string }>) {
    super(
      'LAB_SPEC_INVALID',
      problems.length === 1 ? `Lab spec: ${problems[0].field}: ${problems[0].message}` : `Lab spec has ${problems.length} problems:\n${problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`,
    );
    this.name = 'LabSpecError';
  }
}

export function parseLabSpec(input: unknown): LabSpec {
  const result = labSpecSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.join('.') : '(spec)';
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove them (see \`seclab plan --help\` for the options)`;
    }
    return { field, message };
  });
  throw new LabSpecError(problems);
}

export function elasticsearchNodeNames(spec: Pick<LabSpec, 'elasticsearch'>): string[] {
  return Array.from({ length: spec.elasticsearch.nodes }, (_, index) => `es${String(index + 1).padStart(2, '0')}`);
}

export function agentNames(spec: Pick<LabSpec, 'agents'>): string[] {
  return Array.from({ length: spec.agents }, (_, index) => `agent${String(index + 1).padStart(2, '0')}`);
}
