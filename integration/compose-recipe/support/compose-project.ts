import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { LAB_LABEL } from '../../../common/lab-plan.ts';
import type { DockerEngine } from '../../../main/core/docker/docker-engine.ts';

const run = promisify(execFile);
const PROJECT_LABEL = 'com.docker.compose.project';

/** `docker compose` (v2 plugin) when the engine's CLI has it, else Debian's `docker-compose` (v1). */
export function composeCommand(): string[] {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore', timeout: 15_000 });
    return ['docker', 'compose'];
  } catch {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore', timeout: 15_000 });
    return ['docker-compose'];
  }
}

export class ComposeProject {
  private readonly command = composeCommand();

  constructor(
    private readonly engine: DockerEngine,
    readonly name: string,
    readonly directory: string,
    readonly files: string[],
    private readonly env: Record<string, string> = {},
  ) {}

  async compose(args: string[], timeoutMs: number): Promise<string> {
    const [program, ...prefix] = this.command;
    const fileArgs = this.files.flatMap((file) => ['-f', file]);
    const { stdout, stderr } = await run(program, [...prefix, '-p', this.name, '--project-directory', this.directory, ...fileArgs, ...args], {
      cwd: this.directory,
      env: { ...process.env, ...this.env },
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
    return `${stdout}${stderr}`;
  }

  /** The container compose made for a service, found by compose's own labels (never by name). */
  async container(service: string): Promise<string> {
    const [found] = await this.engine.docker.listContainers({
      all: true,
      filters: { label: [`${PROJECT_LABEL}=${this.name}`, `com.docker.compose.service=${service}`] },
    });
    if (!found) throw new Error(`compose project ${this.name} has no container for service ${service}`);
    return found.Id;
  }

  /** Everything compose created for the project, with the labels the objects carry. */
  async objects() {
    const docker = this.engine.docker;
    const filters = { label: [`${PROJECT_LABEL}=${this.name}`] };
    const [containers, volumes, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters }), docker.listNetworks({ filters })]);
    return {
      containers: containers.map((c) => ({ id: c.Id, name: c.Names[0] ?? c.Id, labels: c.Labels ?? {} })),
      volumes: (volumes.Volumes ?? []).map((v) => ({ id: v.Name, name: v.Name, labels: v.Labels ?? {} })),
      networks: networks.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} })),
    };
  }

  /**
   * Removes the project's containers, volumes and network through the project's DockerEngine,
   * which refuses any object without the `seclab.lab` label; objects must also carry this very
   * project's label and lab value. Returns what was left alone (unlabelled objects are never touched).
   */
  async remove(): Promise<string[]> {
    const engine = this.engine;
    const skipped: string[] = [];
    const ours = (labels: Record<string, string>) => labels[PROJECT_LABEL] === this.name && labels[LAB_LABEL] === this.name;
    const { containers } = await this.objects();
    for (const container of containers) {
      if (ours(container.labels)) await engine.removeContainer(container.id);
      else skipped.push(`container ${container.name}`);
    }
    const { volumes, networks } = await this.objects();
    for (const volume of volumes) {
      if (ours(volume.labels)) await engine.removeVolume(volume.name);
      else skipped.push(`volume ${volume.name}`);
    }
    for (const network of networks) {
      if (ours(network.labels)) await engine.removeNetwork(network.id);
      else skipped.push(`network ${network.name}`);
    }
    return skipped;
  }
}
