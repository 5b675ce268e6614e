/**
 * The HTTP status of an error answer from Elasticsearch through the official client (its
 * ResponseError, which names itself so), else undefined. Here rather than beside the client so that
 * modules which only read errors (request bodies, exports) do not load the client: half a second of
 * CPU at every start of the CLI.
 */
export function responseStatusOf(error: unknown): number | undefined {
  return error instanceof Error && error.name === 'ResponseError' ? (error as Error & { meta?: { statusCode?: number } }).meta?.statusCode : undefined;
}
