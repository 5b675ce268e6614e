import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './lab-lock.ts';

interface Claim {
  pid: number;
  lab: string;
}

/**
 * Host ports a `seclab up` has chosen but whose containers do not hold yet. Two ups at once (the
 * app and a terminal, two seclab homes) both see 9200 free until the first one's es01 starts, and
 * would both be given it: the second then fails at `docker start`. A claim is a file per port, made
 * only if absent, in a folder every seclab process of this user shares; it lasts until that up ends
 * (`release`), and a claim whose process is gone counts for nothing.
 */
export class PortClaims {
  constructor(
    private readonly lab: string,
    private readonly dir: string = join(tmpdir(), 'seclab-port-claims'),
    private readonly pid: number = process.pid,
  ) {}

  private path(port: number): string {
    return join(this.dir, String(port));
  }

  private read(port: number): Claim | undefined {
    try {
      return JSON.parse(readFileSync(this.path(port), 'utf8')) as Claim;
    } catch {
      return undefined;
    }
  }

  private ours(claim: Claim): boolean {
    return claim.pid === this.pid && claim.lab === this.lab;
  }

  /** Which live up holds `port`, when another does (another process, or another lab in this one). */
  holder(port: number): Claim | undefined {
    const claim = this.read(port);
    return claim && !this.ours(claim) && processAlive(claim.pid) ? claim : undefined;
  }

  /** Takes `port` for this lab; false when another live up holds it. */
  claim(port: number): boolean {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.path(port), JSON.stringify({ pid: this.pid, lab: this.lab } satisfies Claim), { flag: 'wx', mode: 0o600 });
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const claim = this.read(port);
        if (claim && this.ours(claim)) return true;
        if (claim && processAlive(claim.pid)) return false;
        // Left by a process that is gone (or half written): void.
        rmSync(this.path(port), { force: true });
      }
    }
    return false;
  }

  /** Lets go of every port this lab's up claimed. */
  release(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const claim = this.read(Number(name));
      if (claim && this.ours(claim)) rmSync(this.path(Number(name)), { force: true });
    }
  }
}
