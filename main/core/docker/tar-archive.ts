import tar from 'tar-stream';

/** One entry of an archive for the engine (build contexts, files copied into containers and volumes). */
export interface TarFile {
  name: string;
  content?: Buffer;
  mode: number;
  uid: number;
  gid: number;
  type?: 'directory' | 'symlink';
  /** For a symlink: where it points. */
  linkname?: string;
}

/** The engine takes files as tar archives; ownership and modes travel in the entries. */
export function packTar(files: TarFile[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  for (const file of files) {
    if (file.type === 'directory') pack.entry({ name: file.name, type: 'directory', mode: file.mode, uid: file.uid, gid: file.gid });
    else if (file.type === 'symlink') pack.entry({ name: file.name, type: 'symlink', linkname: file.linkname, mode: 0o777, uid: file.uid, gid: file.gid });
    else pack.entry({ name: file.name, mode: file.mode, uid: file.uid, gid: file.gid }, file.content ?? Buffer.alloc(0));
  }
  pack.finalize();
  return done;
}
