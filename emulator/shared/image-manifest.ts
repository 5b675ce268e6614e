/**
 * What an emulated product image contains, beyond the shared Node base layer.
 * `seclab emulator build` (main/core/emulator-images) bundles every `programs` entry with
 * esbuild into one executable JS file (shebang `#!/usr/local/bin/node`, mode 0755) at the
 * given path, writes `files`, creates `directories`, and sets the image config below.
 */
export interface EmulatorImageManifest {
  /** Repository part of the tag: `seclab-emulator/<product>`. */
  product: 'elasticsearch' | 'kibana' | 'elastic-agent';
  /** Absolute container path → TypeScript entry (path relative to the repo root). */
  programs: Record<string, string>;
  /** Absolute container path → file content, written with the given mode (default 0644) and owner. */
  files: Array<{ path: string; content: string; mode?: number; uid?: number; gid?: number }>;
  directories: Array<{ path: string; mode: number; uid: number; gid: number }>;
  /** `/etc/passwd` user with this uid and gid, the one the image runs as. */
  user: { name: string; uid: number; gid: number; home: string };
  workdir: string;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  exposedPorts: number[];
  labels: Record<string, string>;
}
