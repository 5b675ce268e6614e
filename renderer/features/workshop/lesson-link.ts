/**
 * A link that opens the app on one lesson: `?lesson=http-tls` (what `seclab ui --lesson` prints,
 * kept through the token exchange) or `#/workshop/lesson/http-tls` (a teacher's shared link).
 * Only the lesson-id shape is taken: the server refuses anything else anyway.
 */
const LESSON_ID = /^[a-z][a-z0-9-]{0,40}$/;
const HASH_ROUTE = /^#\/workshop\/lesson\/([^/?#]+)$/;

export function lessonFromLocation(location: Pick<Location, 'search' | 'hash'>): string | undefined {
  const candidate = new URLSearchParams(location.search).get('lesson') ?? HASH_ROUTE.exec(location.hash)?.[1];
  return candidate && LESSON_ID.test(candidate) ? candidate : undefined;
}

/** The address a teacher can share for the lesson on screen: this page with `?lesson=ID`, no fragment. */
export function lessonLinkOf(location: Pick<Location, 'origin' | 'pathname'>, lesson: string): string {
  return `${location.origin}${location.pathname}?lesson=${encodeURIComponent(lesson)}`;
}
