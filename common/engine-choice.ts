import { z } from 'zod';

/**
 * The engine a person picks on the Start screen (engine.choose): an address as DOCKER_HOST writes
 * it, or a Docker context's name, never both; neither means "as seclab finds it" (DOCKER_HOST, the
 * current Docker context, the platform's sockets). The renderer checks its text field with the same
 * rules before it calls, so the field says what the API would.
 */

const ADDRESS_FORMS = 'unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host or npipe:////./pipe/docker_engine';

/** What is wrong with an address, or undefined: the shapes engine-resolution.ts can connect to. */
function addressProblem(address: string): string | undefined {
  const scheme = /^([a-z]+):\/\//.exec(address)?.[1];
  const rest = scheme ? address.slice(scheme.length + 3) : '';
  if (scheme === 'unix' || scheme === 'npipe') {
    if (!rest) return `"${address}" names no socket: write its path after ${scheme}://, as in ${scheme === 'unix' ? 'unix:///var/run/docker.sock' : 'npipe:////./pipe/docker_engine'}`;
    if (scheme === 'unix' && !rest.startsWith('/')) return `"${address}" names no absolute socket path: write it with three slashes, as in unix:///var/run/docker.sock`;
    return undefined;
  }
  if (scheme === 'tcp' || scheme === 'ssh') {
    let host = '';
    try {
      host = new URL(address).hostname;
    } catch {
      // Reported below as no host.
    }
    return host ? undefined : `"${address}" names no host: write it as ${scheme === 'tcp' ? 'tcp://host:2376' : 'ssh://user@host'}`;
  }
  return `"${address}" is not a Docker engine address: write it as ${ADDRESS_FORMS}`;
}

/** docker/cli cli/context/store/store.go: restrictedNamePattern, the names `docker context create` takes ("default" is the built-in one). */
const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;

export const engineChoiceSchema = z
  .object({
    engine: z
      .string()
      .trim()
      .max(500)
      .superRefine((address, context) => {
        const problem = addressProblem(address);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    context: z
      .string()
      .trim()
      .max(100)
      .regex(CONTEXT_NAME, {
        error: (issue) => `"${String(issue.input)}" is not a Docker context name (letters, digits and _ . + -, two or more: see \`docker context ls\`), nor an address (unix://, tcp://, ssh://, npipe://)`,
      })
      .optional(),
  })
  .refine((choice) => choice.engine === undefined || choice.context === undefined, {
    error: 'both an engine address and a Docker context were given: choose one of them',
    path: ['context'],
  });

export type EngineChoiceInput = z.input<typeof engineChoiceSchema>;

/** The Start screen's one text field: an address when it has "://", else a Docker context's name. */
export function engineChoiceOfText(text: string): EngineChoiceInput {
  const trimmed = text.trim();
  return trimmed.includes('://') ? { engine: trimmed } : { context: trimmed };
}
