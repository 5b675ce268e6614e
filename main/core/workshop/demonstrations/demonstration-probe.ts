/**
 * Runs inside a short-lived container on the lab network (or in a node's network stack) and
 * shows a consequence live: what a machine beyond loopback reaches, what an on-path observer
 * of a client's request sees. Reads its task as
 * JSON on stdin, prints its output lines as JSON on stdout. Node built-ins only: it is bundled.
 */
import { connect as netConnect, createServer, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readTaskLine } from '../../verification/probes/task-line.ts';

export type DemonstrationTask =
  | { kind: 'tcp-reach'; host: string; port: number; timeoutMs: number }
  | { kind: 'relay-capture'; host: string; port: number; servername: string; caPem: string; path: string; username: string; password: string; timeoutMs: number };

export interface DemonstrationOutput {
  lines: string[];
  /** The bytes a relay saw from the client, as latin1 text (relay-capture only). */
  captured?: string;
  /** Whether the consequence happened: reached, credentials readable. */
  happened: boolean;
}

function tcpReach(task: Extract<DemonstrationTask, { kind: 'tcp-reach' }>): Promise<DemonstrationOutput> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: task.host, port: task.port });
    const done = (happened: boolean, line: string) => {
      socket.destroy();
      resolve({ happened, lines: [line] });
    };
    socket.setTimeout(task.timeoutMs, () => done(false, `connect ${task.host}:${task.port} → no answer within ${task.timeoutMs} ms`));
    socket.once('connect', () => done(true, `connect ${task.host}:${task.port} → CONNECTED (a TCP handshake completed from ${socket.localAddress}, an address that is not this machine's loopback)`));
    socket.once('error', (error: NodeJS.ErrnoException) => done(false, `connect ${task.host}:${task.port} → ${error.code ?? error.message}`));
  });
}

/** Whether the target speaks TLS: a client uses https where it can, plain http where TLS is off. */
function speaksTls(task: Extract<DemonstrationTask, { kind: 'relay-capture' }>): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: task.host, port: task.port, servername: task.servername, ca: task.caPem, rejectUnauthorized: false });
    socket.setTimeout(task.timeoutMs, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const printable = (text: string) => text.replace(/[^\x20-\x7e\r\n]/g, '.');

/**
 * An on-path observer, made explicit: the client's connection goes through a relay that copies
 * every byte it forwards. Over TLS the copy is ciphertext; over plain HTTP it is the request itself.
 */
async function relayCapture(task: Extract<DemonstrationTask, { kind: 'relay-capture' }>): Promise<DemonstrationOutput> {
  const tls = await speaksTls(task);
  const captured: Buffer[] = [];
  const relay = createServer((client: Socket) => {
    const upstream = netConnect({ host: task.host, port: task.port });
    client.on('data', (chunk: Buffer) => captured.push(chunk));
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayPort = (relay.address() as AddressInfo).port;
  const authorization = `Basic ${Buffer.from(`${task.username}:${task.password}`).toString('base64')}`;
  const request = `GET ${task.path} HTTP/1.1\r\nHost: ${task.servername}:${task.port}\r\nAuthorization: ${authorization}\r\nConnection: close\r\n\r\n`;
  const response = await new Promise<string>((resolve) => {
    let received = '';
    const socket: Socket = tls
      ? tlsConnect({ host: '127.0.0.1', port: relayPort, servername: task.servername, ca: task.caPem, rejectUnauthorized: true, checkServerIdentity: () => undefined }, () => socket.write(request))
      : netConnect({ host: '127.0.0.1', port: relayPort }, () => socket.write(request));
    socket.setTimeout(task.timeoutMs, () => {
      socket.destroy();
      resolve(received);
    });
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.once('error', (error: Error) => resolve(`${received}(error: ${error.message})`));
    socket.once('close', () => resolve(received));
  });
  relay.close();
  const bytes = Buffer.concat(captured);
  const text = bytes.toString('latin1');
  const header = /^Authorization: .*$/im.exec(text)?.[0];
  const lines = [
    `${task.servername}:${task.port} ${tls ? 'speaks TLS: the client sends its request over https' : 'does NOT speak TLS: the client sends its request over plain http'}`,
    `the relay on the path saw ${bytes.length} bytes from the client:`,
    ...(header
      ? printable(text)
          .split('\r\n')
          .filter(Boolean)
          .map((line) => `  > ${line}`)
      : [`  > ${printable(text.slice(0, 120))}… (ciphertext: no header, no password)`]),
    `response: ${response.split('\r\n')[0] || '(none)'}`,
  ];
  if (header) {
    const decoded = Buffer.from(header.replace(/^Authorization:\s*Basic\s+/i, ''), 'base64').toString('utf8');
    lines.push(`base64-decoding the captured header gives: ${decoded}`);
  }
  return { happened: Boolean(header), lines, captured: text };
}

async function main(): Promise<void> {
  const task = JSON.parse(await readTaskLine()) as DemonstrationTask;
  const output = task.kind === 'tcp-reach' ? await tcpReach(task) : await relayCapture(task);
  process.stdout.write(`${JSON.stringify(output)}\n`, () => process.exit(0));
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ probeError: (error as Error).message })}\n`);
  process.exit(1);
});
