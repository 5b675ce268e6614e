/**
 * An audit event as evidence a person can read: who, what, from where first (the point of the
 * proof), then the whole event as Elasticsearch wrote it — never cut.
 */
export function auditEventEvidence(component: string, event: Record<string, unknown>): string[] {
  const field = (name: string) => (typeof event[name] === 'string' ? (event[name] as string) : undefined);
  const request = [field('request.method'), field('url.path')].filter(Boolean).join(' ');
  const summary = [`${field('event.action') ?? 'audit event'} for user ${field('user.name') ?? '(none)'}`, field('origin.address') ? `from ${field('origin.address')}` : undefined, request ? `on ${request}` : undefined]
    .filter(Boolean)
    .join(' ');
  return [`audit event in ${component}'s log: ${summary}`, `the whole event: ${JSON.stringify(event)}`];
}
