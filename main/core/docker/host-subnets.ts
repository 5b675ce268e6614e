import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

type Interfaces = ReturnType<typeof networkInterfaces>;

const dotted = (value: number) => [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
const prefixLength = (mask: number) => mask.toString(2).replace(/0/g, '').length;

/** `172.29.1.7/24` → `172.29.1.0/24`. */
function networkOf(cidr: string): string | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!match) return undefined;
  const prefix = Number(match[5]);
  const address = match.slice(1, 5).reduce((value, octet) => value * 256 + Number(octet), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return `${dotted((address & mask) >>> 0)}/${prefix}`;
}

/** The kernel's IPv4 routes (/proc/net/route: destination and mask as little-endian hex), default route left out. */
function routedSubnets(routeTable: string): string[] {
  const subnets: string[] = [];
  for (const line of routeTable.split('\n').slice(1)) {
    const [, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (!destination || !mask || !/^[0-9A-F]{8}$/i.test(destination) || !/^[0-9A-F]{8}$/i.test(mask)) continue;
    const littleEndian = (hex: string) => Buffer.from(hex, 'hex').readUInt32LE(0);
    const maskValue = littleEndian(mask);
    if (maskValue === 0) continue;
    subnets.push(`${dotted(littleEndian(destination))}/${prefixLength(maskValue)}`);
  }
  return subnets;
}

const readRouteTable = () => {
  try {
    return readFileSync('/proc/net/route', 'utf8');
  } catch {
    return '';
  }
};

/**
 * The IPv4 subnets this machine is on: its interfaces' and its routes' (loopback and default left
 * out). Podman refuses a network whose subnet its host already uses ("subnet … is already used on
 * the host or by another config": containers/common libnetwork validateSubnet, with the used
 * networks from the host's interface addresses), and its network list does not show those: another
 * engine's bridges on the same machine (Docker's br-… for its labs) are such subnets. The routes
 * are read too because Node lists only interfaces that are up with a carrier, and a Docker bridge
 * with no container running has none.
 */
export function hostSubnets(interfaces: Interfaces = networkInterfaces(), routeTable: string = readRouteTable()): string[] {
  const subnets = new Set<string>(routedSubnets(routeTable));
  for (const addresses of Object.values(interfaces)) {
    for (const address of addresses ?? []) {
      if (address.family !== 'IPv4' || address.internal || !address.cidr) continue;
      const network = networkOf(address.cidr);
      if (network) subnets.add(network);
    }
  }
  return [...subnets];
}
