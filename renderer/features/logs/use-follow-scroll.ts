import { useCallback, useLayoutEffect, useRef, useState } from 'react';

/** Within this many px of the end counts as "at the newest line" (a wheel step rarely lands exactly). */
const AT_END_PX = 24;

/**
 * Keeps the newest line in view while the reader is at the end; scrolling up stops that (they are
 * reading something) and the count of lines that came since is offered with a way back.
 * `newest`: the number of the newest line; `shown`: changes whenever what is shown does (a search).
 */
export function useFollowScroll<E extends HTMLElement>(newest: number, shown: unknown) {
  const view = useRef<E>(null);
  const [pinned, setPinned] = useState(true);
  // The newest line when the reader scrolled away: what came after it is "new".
  const [seen, setSeen] = useState(newest);

  useLayoutEffect(() => {
    const element = view.current;
    if (pinned && element) element.scrollTop = element.scrollHeight;
  }, [newest, shown, pinned]);

  const onScroll = useCallback(() => {
    const element = view.current;
    if (!element) return;
    const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight <= AT_END_PX;
    if (pinned && !atEnd) setSeen(newest);
    setPinned(atEnd);
  }, [pinned, newest]);

  const jumpToNewest = useCallback(() => {
    const element = view.current;
    if (element) element.scrollTop = element.scrollHeight;
    setPinned(true);
  }, []);

  return { view, pinned, unseen: pinned ? 0 : Math.max(0, newest - seen), onScroll, jumpToNewest };
}
