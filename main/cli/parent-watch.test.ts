import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchParent } from './parent-watch.ts';

describe('watchParent', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says nothing while the parent pid stays the same', () => {
    const onParentGone = vi.fn();
    const watch = watchParent({ parentPid: 4242, onParentGone, currentParentPid: () => 4242 });
    vi.advanceTimersByTime(10_000);
    expect(onParentGone).not.toHaveBeenCalled();
    watch.stop();
  });

  it('names the parent once, within a poll, when this process is re-parented', () => {
    let parent = 4242;
    const onParentGone = vi.fn();
    watchParent({ parentPid: 4242, onParentGone, currentParentPid: () => parent });
    vi.advanceTimersByTime(1_000);
    parent = 1;
    vi.advanceTimersByTime(1_000);
    expect(onParentGone).toHaveBeenCalledExactlyOnceWith(4242);
    vi.advanceTimersByTime(10_000);
    expect(onParentGone).toHaveBeenCalledOnce();
  });

  it('counts a parent that ended before the watch started', () => {
    const onParentGone = vi.fn();
    watchParent({ parentPid: 4242, onParentGone, currentParentPid: () => 1 });
    vi.advanceTimersByTime(1_000);
    expect(onParentGone).toHaveBeenCalledExactlyOnceWith(4242);
  });

  it('stops polling when stopped', () => {
    const currentParentPid = vi.fn(() => 1);
    const onParentGone = vi.fn();
    watchParent({ parentPid: 4242, onParentGone, currentParentPid }).stop();
    vi.advanceTimersByTime(10_000);
    expect(currentParentPid).not.toHaveBeenCalled();
    expect(onParentGone).not.toHaveBeenCalled();
  });

  it('does not keep the process alive', () => {
    vi.useRealTimers();
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const watch = watchParent({ parentPid: process.ppid, onParentGone: () => undefined });
    const timer = setIntervalSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    watch.stop();
    setIntervalSpy.mockRestore();
  });
});
