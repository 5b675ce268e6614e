import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writePrivateFileAtomically } from '../files/private-files.ts';

/**
 * A keystore's listing by the image's own tool (`elasticsearch-keystore list`, `kibana-keystore list`)
 * is an exec that starts the tool: a JVM on Elastic's Elasticsearch image, Node on Kibana's, at every
 * verification run. While the keystore file is the same file with the same size and times as when it
 * was listed (fileStamp: any write moves its change time), the tool would list the same names, so the
 * last listing stands, and the evidence says when it was made. Only setting names are kept here,
 * never a value; the lab folder holds them (FILE).
 */
const FILE = 'keystore-listings.json';

const listingsSchema = z.record(z.string(), z.object({ containerId: z.string(), stamp: z.string(), output: z.string(), listedAt: z.string() }));

export interface KeystoreListing {
  exitCode: number;
  output: string;
  /** Set when the listing is an earlier run's: the keystore file is unchanged since then. */
  listedAt?: string;
}

export interface ListedKeystore {
  labRoot: string;
  component: string;
  containerId: string;
  path: string;
  /** The keystore file's stamp now; undefined when it cannot be read here (the tool runs every time). */
  stamp: string | undefined;
}

function readListings(labRoot: string): z.infer<typeof listingsSchema> {
  const path = join(labRoot, FILE);
  if (!existsSync(path)) return {};
  try {
    return listingsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return {};
  }
}

export async function keystoreListing(keystore: ListedKeystore, list: () => Promise<{ exitCode: number; output: string }>, now: () => Date = () => new Date()): Promise<KeystoreListing> {
  const key = `${keystore.component} ${keystore.path}`;
  const known = keystore.stamp ? readListings(keystore.labRoot)[key] : undefined;
  if (known && known.containerId === keystore.containerId && known.stamp === keystore.stamp) return { exitCode: 0, output: known.output, listedAt: known.listedAt };
  const listed = await list();
  if (keystore.stamp && listed.exitCode === 0 && existsSync(keystore.labRoot)) {
    const listings = { ...readListings(keystore.labRoot), [key]: { containerId: keystore.containerId, stamp: keystore.stamp, output: listed.output, listedAt: now().toISOString() } };
    writePrivateFileAtomically(join(keystore.labRoot, FILE), `${JSON.stringify(listings, null, 2)}\n`);
  }
  return listed;
}

/** For the evidence: when an earlier run made the listing shown. */
export function listedWhen(listing: KeystoreListing): string {
  return listing.listedAt ? `, listed ${listing.listedAt}; the keystore file is unchanged since` : '';
}
