import { describe, expect, it } from 'vitest';
import { createMemoryApi } from '../testing/memory-api.ts';
import { lessonFromLocation } from '../features/workshop/lesson-link.ts';
import { createAppStores } from './app-stores.ts';

async function runningLab(options: { initialLesson?: string } = {}) {
  const api = createMemoryApi();
  await api['labs.up']({ spec: { images: 'emulated' } });
  const stores = createAppStores(api, { preflightDebounceMs: 0, ...options });
  await stores.hydrate();
  return { api, stores };
}

describe('workshop store', () => {
  it('opens on the first lesson from the real lesson files and walks break → restore → next', async () => {
    const { stores } = await runningLab();
    const workshop = stores.workshop;
    await workshop.getState().open('default');
    const { lessons, lesson } = workshop.getState();
    expect(lessons.map((entry) => entry.id)).toContain('host-files');
    expect(lesson?.id).toBe(lessons[0].id);
    await workshop.getState().showLesson('host-files');
    await workshop.getState().breakLesson();
    const broken = workshop.getState().step!;
    expect(broken.phase).toBe('broken');
    expect(broken.failing).toContain('secrets.host-files');
    expect(broken.demonstration).toMatchObject({ demonstration: 'host-folder-listing', happened: true });
    // The header's words come from the lab's status, refreshed after the break.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(stores.labs.getState().statuses.default.workshop?.message).toBe('lesson host-files in progress: the lab folder (CA, private keys, passwords) is opened to 0755 on purpose');
    await workshop.getState().showLesson('least-privilege');
    expect(workshop.getState().error).toContain('restore it before opening another lesson');
    await workshop.getState().restoreLesson();
    expect(workshop.getState().step).toMatchObject({ phase: 'restored', failing: [] });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(stores.labs.getState().statuses.default.workshop).toBeUndefined();
    expect(workshop.getState().nextLessonId()).toBe(lessons[lessons.findIndex((entry) => entry.id === 'host-files') + 1].id);
  });

  it('runs a challenge: hidden layers, hints in steps, the repair only after naming, the board scored', async () => {
    const { stores } = await runningLab();
    const workshop = stores.workshop;
    await workshop.getState().open('default');
    await workshop.getState().startChallenge({ lessons: ['host-files', 'least-privilege'] });
    let board = workshop.getState().board!;
    expect(board).toMatchObject({ active: true, solved: 0, total: 2 });
    expect(board.entries.every((entry) => entry.layer === undefined && entry.lesson === undefined)).toBe(true);
    await workshop.getState().hint(1);
    await workshop.getState().hint(1);
    expect(workshop.getState().hints[1].map((hint) => hint.step)).toEqual([1, 2]);
    expect(workshop.getState().board!.entries[0].hintsUsed).toBe(2);
    await workshop.getState().repair(1);
    expect(workshop.getState().error).toContain('name the broken layer first');
    await workshop.getState().nameLayer('network');
    expect(workshop.getState().naming).toMatchObject({ correct: false });
    await workshop.getState().nameLayer('secrets');
    expect(workshop.getState().naming).toMatchObject({ correct: true, slot: 1 });
    expect(workshop.getState().board!.entries[0]).toMatchObject({ named: true, layer: 'secrets' });
    await workshop.getState().repair(1);
    board = workshop.getState().board!;
    expect(board.entries[0]).toMatchObject({ solved: true, fixedWith: 'repair', hintsUsed: 2 });
    expect(board.entries[1]).toMatchObject({ solved: false, named: false });
    expect(board.entries[1].layer).toBeUndefined();
    expect(board.solved).toBe(1);
    await workshop.getState().stopChallenge();
    expect(workshop.getState().board).toBeUndefined();
  });

  it('takes the board the server pushes when its verifier sees a fix (challenge-changed), for its own lab only', async () => {
    const { stores, api } = await runningLab();
    const workshop = stores.workshop;
    await workshop.getState().open('default');
    await workshop.getState().startChallenge({ lessons: ['host-files'] });
    const board = workshop.getState().board!;
    const solved = { ...board, solved: 1, active: false, entries: board.entries.map((entry) => ({ ...entry, solved: true, lesson: 'host-files', layer: 'secrets' as const })) };
    workshop.getState().applyEvent({ type: 'challenge-changed', lab: 'other', board: { ...solved, solved: 9 } });
    expect(workshop.getState().board!.solved).toBe(0);
    workshop.getState().applyEvent({ type: 'challenge-changed', lab: 'default', board: { ...solved, checks: undefined } });
    expect(workshop.getState().board).toMatchObject({ solved: 1, active: false });
    expect(workshop.getState().board!.checks).toEqual(board.checks);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(stores.labs.getState().statuses.default.workshop?.kind).toBe('challenge');
    await api['challenges.stop']({ lab: 'default' });
  });

  it('opens on the lesson a link names, once a lab runs; without one the Start screen says why', async () => {
    const { stores } = await runningLab({ initialLesson: 'least-privilege' });
    expect(stores.navigation.getState().screen).toEqual({ name: 'workshop', lab: 'default' });
    expect(stores.workshop.getState().lesson?.id).toBe('least-privilege');
    const empty = createAppStores(createMemoryApi(), { preflightDebounceMs: 0, initialLesson: 'http-tls' });
    await empty.hydrate();
    expect(empty.navigation.getState().screen).toEqual({ name: 'start' });
    expect(empty.navigation.getState().notice).toContain('Lesson http-tls needs a running lab');
  });
});

describe('lessonFromLocation', () => {
  it('reads ?lesson= and #/workshop/lesson/, nothing in another shape', () => {
    expect(lessonFromLocation({ search: '?lesson=http-tls', hash: '' })).toBe('http-tls');
    expect(lessonFromLocation({ search: '', hash: '#/workshop/lesson/host-files' })).toBe('host-files');
    expect(lessonFromLocation({ search: '?lesson=../x', hash: '' })).toBeUndefined();
    expect(lessonFromLocation({ search: '', hash: '#key=abc' })).toBeUndefined();
  });
});
