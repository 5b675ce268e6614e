/** The Elastic Agent / Fleet Server release this emulator answers as. */
export const AGENT_VERSION = '9.1.0';
export const AGENT_COMMIT = '0000000000000000000000000000000000000000';
export const AGENT_BUILD_TIME = '2025-07-24T00:00:00Z';
