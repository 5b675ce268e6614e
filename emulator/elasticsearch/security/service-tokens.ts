import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Service account token value: base64 of bytes 00 01 00 01 + "ns/svc/name:secret" (research §2.5). */
const TOKEN_PREFIX = Buffer.from([0, 1, 0, 1]);
export const TOKEN_NAME_PATTERN = /^[a-zA-Z0-9\-_]{1,256}$/;

/** Validation.VALID_SERVICE_ACCOUNT_TOKEN_NAME: 1–256 of [A-Za-z0-9_-], not starting with an underscore. */
export function isValidServiceTokenName(name: string): boolean {
  return /^[a-zA-Z0-9-][a-zA-Z0-9_-]{0,255}$/.test(name);
}

export function encodeServiceToken(accountId: string, name: string, secret: string): string {
  return Buffer.concat([TOKEN_PREFIX, Buffer.from(`${accountId}/${name}:${secret}`)]).toString('base64');
}

export interface DecodedServiceToken {
  namespace: string;
  service: string;
  name: string;
  secret: string;
}

export function decodeServiceToken(value: string): DecodedServiceToken | undefined {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 6 || !bytes.subarray(0, 4).equals(TOKEN_PREFIX)) return undefined;
  const text = bytes.subarray(4).toString('utf8');
  const match = /^([^/]+)\/([^/]+)\/([^:]+):(.+)$/.exec(text);
  if (!match) return undefined;
  return { namespace: match[1]!, service: match[2]!, name: match[3]!, secret: match[4]! };
}

/** `config/service_tokens`: one `namespace/service/name:hash` per line, managed by bin/elasticsearch-service-tokens. */
export function readServiceTokensFile(pathConf: string): Map<string, string> {
  const path = join(pathConf, 'service_tokens');
  const tokens = new Map<string, string>();
  if (!existsSync(path)) return tokens;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    if (colon > 0) tokens.set(trimmed.slice(0, colon), trimmed.slice(colon + 1));
  }
  return tokens;
}
