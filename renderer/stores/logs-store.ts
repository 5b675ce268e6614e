import { createStore } from 'zustand/vanilla';
import type { LabApi, ServerEvent } from '../../common/contract.ts';
import { messageOf } from '../api/api-error.ts';

const MAX_LINES = 2000;

export interface LogsState {
  lab?: string;
  component?: string;
  lines: string[];
  /** The session number of lines[0]: lines that fell off the front still count, so a line keeps its number. */
  firstLine: number;
  subscription?: string;
  following: boolean;
  search: string;
  loading: boolean;
  error?: string;
  open(lab: string, component: string): Promise<void>;
  setFollowing(follow: boolean): Promise<void>;
  setSearch(search: string): void;
  close(): Promise<void>;
  applyEvent(event: ServerEvent): void;
}

export function createLogsStore(api: LabApi) {
  return createStore<LogsState>()((set, get) => {
    async function stopFollowing(): Promise<void> {
      const subscription = get().subscription;
      set({ subscription: undefined });
      if (subscription) await api['logs.unfollow']({ subscription }).catch(() => undefined);
    }
    async function startFollowing(lab: string, component: string): Promise<void> {
      const { subscription } = await api['logs.follow']({ lab, component });
      set({ subscription });
    }
    return {
      lines: [],
      firstLine: 0,
      following: false,
      search: '',
      loading: false,
      async open(lab, component) {
        await stopFollowing();
        set({ lab, component, loading: true, error: undefined, lines: [], firstLine: 0 });
        try {
          const { lines } = await api['labs.logs']({ lab, component, tail: 200 });
          if (get().component !== component) return;
          set({ lines, loading: false });
          if (get().following) await startFollowing(lab, component);
        } catch (error) {
          set({ loading: false, error: messageOf(error) });
        }
      },
      async setFollowing(follow) {
        set({ following: follow });
        const { lab, component } = get();
        await stopFollowing();
        if (follow && lab && component) {
          try {
            await startFollowing(lab, component);
          } catch (error) {
            set({ following: false, error: messageOf(error) });
          }
        }
      },
      setSearch: (search) => set({ search }),
      async close() {
        await stopFollowing();
      },
      applyEvent(event) {
        if (event.type !== 'log-line' || event.subscription !== get().subscription) return;
        set((state) => {
          const lines = [...state.lines, event.line];
          const dropped = Math.max(0, lines.length - MAX_LINES);
          return { lines: lines.slice(dropped), firstLine: state.firstLine + dropped };
        });
      },
    };
  });
}
