import { realpathSync, statSync } from 'node:fs';
import { readHomeMemo, writeHomeMemo } from '../files/home-memo.ts';
import { HOST_TOOLS, locateHostTool } from './host-tools.ts';
import type { RootFilesystem } from './node-root-filesystem.ts';

const BASE_IMAGE_FILE = 'base-image.json';

interface RememberedBase {
  tag: string;
  node: string;
  /** Where each tool was found (null: the host lacked it). */
  tools: Record<string, string | null>;
  inputs: RootFilesystem['inputs'];
}

const toolLocations = (): Record<string, string | null> => Object.fromEntries(HOST_TOOLS.map((tool) => [tool, locateHostTool(tool) ?? null]));

function unchanged(inputs: RootFilesystem['inputs']): boolean {
  return inputs.every(({ file, size, mtimeMs }) => {
    try {
      const stats = statSync(file);
      return stats.size === size && stats.mtimeMs === mtimeMs;
    } catch {
      return false;
    }
  });
}

/**
 * The base image's tag as a previous run named it, while every host file it was made from (Node,
 * the tools, their libraries) is unchanged and each tool is where it was. Naming the base anew runs
 * `ldd` on Node and a dozen tools, synchronously: half a second at every `up` and `reset` on two
 * cores, on the way to the first container. The seclab home keeps it, private like everything there.
 */
export function rememberedBaseTag(home: string | undefined, nodeBinary: string): string | undefined {
  if (!home) return undefined;
  const remembered = readHomeMemo(home, BASE_IMAGE_FILE) as Partial<RememberedBase> | undefined;
  if (typeof remembered?.tag !== 'string' || !remembered.tag.startsWith('seclab-emulator/base:') || !Array.isArray(remembered.inputs) || !remembered.tools) return undefined;
  let node: string;
  try {
    node = realpathSync(nodeBinary);
  } catch {
    return undefined;
  }
  if (remembered.node !== node || JSON.stringify(remembered.tools) !== JSON.stringify(toolLocations()) || !unchanged(remembered.inputs)) return undefined;
  return remembered.tag;
}

export function rememberBaseTag(home: string | undefined, nodeBinary: string, tag: string, rootfs: RootFilesystem): void {
  writeHomeMemo(home, BASE_IMAGE_FILE, { tag, node: realpathSync(nodeBinary), tools: toolLocations(), inputs: rootfs.inputs } satisfies RememberedBase);
}
