import type { ExportedFile, ExportInput } from '../export-types.ts';

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

/** The export's README: how to run it, what runs in what order, and what each file is. */
export function composeReadme(input: ExportInput, files: ExportedFile[], nextSteps: string[]): string {
  const { plan } = input;
  const components = plan.containers.map((c) => `\`${c.component}\` (${c.kind}, ${c.image})`).join(', ');
  const endpoints = Object.entries(plan.endpoints)
    .filter(([, url]) => url)
    .map(([name, url]) => `- ${name}: ${url}`)
    .join('\n');
  return `# Lab "${plan.lab}" as a Compose project

Exported by \`seclab export --format compose\`: the same lab \`seclab up --lab ${plan.lab}\` makes, with the
same container names, labels, addresses, ports (on 127.0.0.1 only), volumes, users (1000:0, never root),
dropped capabilities, memory limits, healthchecks, certificates and secrets. Components: ${components}.

## Run it

\`\`\`sh
${nextSteps.join('\n')}
\`\`\`

${plan.emulated ? "The images are seclab's emulated images: `seclab emulator build` makes them on this engine.\n" : "The images are Elastic's own, pulled by Compose from docker.elastic.co.\n"}
Endpoints, once it is up:
${endpoints}

Passwords: \`seclab access --lab ${plan.lab}\` shows them (they are also in \`secrets/\`, readable only by their owner).

## What runs, in order

1. \`volume-owners\` (only where agents need it): gives the fresh agent volumes the image user's ownership. It is the
   one step that runs as root, with only the CHOWN and FOWNER capabilities, and no network.
2. \`<component>-files\`, one per component, as the image user with no network: copies the component's certificates
   and settings files into its volumes with their modes, and writes its keystore with the product's own tool
   (\`elasticsearch-keystore add -x\`, \`kibana-keystore add --stdin\`), each value read from a file on stdin.
3. The Elasticsearch nodes. Once all are healthy, \`security-setup\` runs inside es01's network namespace (the IP
   filter admits loopback): kibana_system's password, the lab's roles and users, a service token for Fleet Server
   written into its volume, sample documents, then each node's settings without \`cluster.initial_master_nodes\`.
4. Kibana. Once healthy, \`fleet-setup\` runs inside Kibana's network namespace as lab_admin: Fleet's setup, the
   policies, the Fleet Server host, the output that trusts the lab CA, and an enrollment token written into each
   agent's volume (Elastic's agent image reads the token only from env: the agent's entrypoint reads the file into
   env, so the token is in no file of this folder and in no container's configuration).
5. Fleet Server, then the agents; once they are healthy, \`revoke-enrollment\` revokes the token and deletes its files.

Every setup step is safe to run again: \`docker compose up -d\` starts the finished one-shots once more.

## Secrets

No password, key or token is in \`docker-compose.yml\`, \`.env\` or any container's environment. They are files:
\`secrets/\` (0700) holds what the setup sends; \`components/<name>/\` (0750) holds each component's private key and
keystore values (0600). The setup one-shots run as Elastic's image user (uid 1000, gid 0) and read those folders
through read-only bind mounts, so on Linux they must belong to uid 1000 (the export does this when run as root;
otherwise it prints the \`chown\`). Docker Desktop's file sharing needs no change.

## Files

| file | mode | what it is |
|---|---|---|
${files.map((file) => `| \`${file.path}\` | ${octal(file.mode)} | ${file.purpose}${file.secret ? ' (secret)' : ''} |`).join('\n')}
`;
}
