import type { Envelope, MethodInput, MethodName, MethodOutput, ServerEvent } from './contract.ts';

/**
 * The one object the preload exposes as `window.seclab`: a named function per contract method
 * (answers are Envelopes, because errors lose their fields crossing contextBridge) and onEvent.
 */
export type SeclabBridge = { [M in MethodName]: (input: MethodInput<M>) => Promise<Envelope<MethodOutput<M>>> } & {
  onEvent(listener: (event: ServerEvent) => void): () => void;
};

export const BRIDGE_GLOBAL = 'seclab';
