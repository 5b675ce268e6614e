import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** Within this many px of the end counts as "at the newest line" (a wheel step rarely lands exactly). */
const AT_END_PX = 24;

/**
 * Keeps the newest line in view while the reader is at the end; scrolling up stops that (they are
 * reading something) and the count of lines that came since is offered with a way back.
 */
/** `newest`: the number of the newest line; `shown`: changes whenever what is shown does (a search). */
export function useFollowScroll(view: RefObject<HTMLElement | null>, newest: number, shown: unknown) {
  const [pinned, setPinned] = useState(true);
  const seen = useRef(newest);

  useLayoutEffect(() => {
    const element = view.current;
    if (!pinned || !element) return;
    element.scrollTop = element.scrollHeight;
    seen.current = newest;
  }, [newest, shown, pinned, view]);

  const onScroll = useCallback(() => {
    const element = view.current;
    if (!element) return;
    setPinned(element.scrollHeight - element.scrollTop - element.clientHeight <= AT_END_PX);
  }, [view]);

  const jumpToNewest = useCallback(() => {
    const element = view.current;
    if (element) element.scrollTop = element.scrollHeight;
    setPinned(true);
  }, [view]);

  return { pinned, unseen: pinned ? 0 : Math.max(0, newest - seen.current), onScroll, jumpToNewest };
}
