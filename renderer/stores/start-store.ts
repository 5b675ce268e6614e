import { createStore } from 'zustand/vanilla';
import type { LabApi } from '../../common/contract.ts';
import { DEFAULT_STACK_VERSION, labSpecSchema, type LabSpecInput } from '../../common/lab-spec.ts';
import type { PreflightCheck } from '../../common/lab-status.ts';
import type { DockerEngineInfo } from '../../common/docker-engine-info.ts';
import { engineChoiceSchema, type EngineChoiceInput } from '../../common/engine-choice.ts';
import { messageOf } from '../api/api-error.ts';

export interface StartOptions {
  name: string;
  version: string;
  images: 'official' | 'emulated';
  nodes: number;
  memory: string;
  kibana: boolean;
  fleetServer: boolean;
  agents: number;
  license: 'trial' | 'basic';
}

export const DEFAULT_START_OPTIONS: StartOptions = {
  name: 'default',
  version: DEFAULT_STACK_VERSION,
  images: 'official',
  nodes: 3,
  memory: '1g',
  kibana: true,
  fleetServer: true,
  agents: 1,
  license: 'trial',
};

export function specInputOf(options: StartOptions): LabSpecInput {
  return {
    name: options.name,
    version: options.version,
    images: options.images,
    elasticsearch: { nodes: options.nodes, memory: options.memory },
    kibana: options.kibana,
    fleetServer: options.fleetServer,
    agents: options.agents,
    license: options.license,
  };
}

const FIELD_OF_PATH: Record<string, keyof StartOptions> = {
  name: 'name',
  version: 'version',
  images: 'images',
  'elasticsearch.nodes': 'nodes',
  'elasticsearch.memory': 'memory',
  kibana: 'kibana',
  fleetServer: 'fleetServer',
  agents: 'agents',
  license: 'license',
};

/** The spec's own zod rules, mapped to the form's fields, so the form says exactly what the CLI would. */
export function problemsOf(options: StartOptions): Partial<Record<keyof StartOptions, string>> {
  const result = labSpecSchema.safeParse(specInputOf(options));
  if (result.success) return {};
  const problems: Partial<Record<keyof StartOptions, string>> = {};
  for (const issue of result.error.issues) {
    const field = FIELD_OF_PATH[issue.path.join('.')] ?? 'name';
    problems[field] ??= issue.message;
  }
  return problems;
}

export interface StartState {
  options: StartOptions;
  problems: Partial<Record<keyof StartOptions, string>>;
  preflight?: PreflightCheck[];
  preflightState: 'idle' | 'checking' | 'done' | 'failed';
  preflightError?: string;
  /** The Docker engine the checks ran against, and how it was found; or why it could not be. */
  engine?: DockerEngineInfo;
  engineError?: string;
  /** Why the last engine.choose was refused, in the API's words. */
  engineChoiceError?: string;
  /** The engine chosen in an earlier session could not be used again at load. */
  engineRestoreError?: string;
  setOption<K extends keyof StartOptions>(key: K, value: StartOptions[K]): void;
  runPreflight(): Promise<void>;
  /** Switches the engine ({} = as seclab finds it), keeps the choice for next time and checks again; false when refused. */
  chooseEngine(choice: EngineChoiceInput): Promise<boolean>;
}

const OPTIONS_KEY = 'seclab.start-options';
const ENGINE_KEY = 'seclab.engine-choice';

/** The engine chosen last time, if it still reads as a choice (else nothing: seclab finds one). */
function storedEngineChoice(storage: Storage | undefined): EngineChoiceInput | undefined {
  try {
    const parsed = engineChoiceSchema.safeParse(JSON.parse(storage?.getItem(ENGINE_KEY) ?? 'null'));
    return parsed.success && (parsed.data.engine !== undefined || parsed.data.context !== undefined) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function keepEngineChoice(storage: Storage | undefined, choice: EngineChoiceInput): void {
  try {
    if (choice.engine === undefined && choice.context === undefined) storage?.removeItem(ENGINE_KEY);
    else storage?.setItem(ENGINE_KEY, JSON.stringify(choice));
  } catch {
    // Without storage the choice lasts as long as the app serving the window.
  }
}

/** The choices made last time, over the defaults: a value of the wrong type (an older app's, a hand edit) is dropped. */
function storedOptions(storage: Storage | undefined): StartOptions {
  try {
    const stored = JSON.parse(storage?.getItem(OPTIONS_KEY) ?? '{}') as Record<string, unknown>;
    const options = { ...DEFAULT_START_OPTIONS };
    for (const key of Object.keys(DEFAULT_START_OPTIONS) as Array<keyof StartOptions>) {
      if (typeof stored[key] === typeof DEFAULT_START_OPTIONS[key]) (options as Record<string, unknown>)[key] = stored[key];
    }
    return options;
  } catch {
    return DEFAULT_START_OPTIONS;
  }
}

/**
 * `storage` keeps the form's choices through a reload and a teardown (the app may reopen on a
 * running lab, and the next lab is usually made like the last one).
 */
export function createStartStore(api: LabApi, debounceMs = 300, storage: Storage | undefined = globalThis.localStorage) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const options = storedOptions(storage);
  // Applied before the first check, so the first preflight is already the chosen engine's.
  let engineToRestore = storedEngineChoice(storage);
  return createStore<StartState>()((set, get) => ({
    options,
    problems: problemsOf(options),
    preflightState: 'idle',
    setOption(key, value) {
      const options = { ...get().options, [key]: value };
      // Fleet Server needs Kibana and agents need Fleet Server: switching one off takes its dependants along.
      if (key === 'kibana' && value === false) options.fleetServer = false;
      if (!options.fleetServer) options.agents = 0;
      if (key === 'agents' && Number(value) > 0) options.fleetServer = options.kibana ? true : options.fleetServer;
      set({ options, problems: problemsOf(options) });
      try {
        storage?.setItem(OPTIONS_KEY, JSON.stringify(options));
      } catch {
        // Without storage (private mode) the choices last as long as the window.
      }
      clearTimeout(timer);
      timer = setTimeout(() => void get().runPreflight(), debounceMs);
    },
    async runPreflight() {
      if (engineToRestore) {
        const choice = engineToRestore;
        engineToRestore = undefined;
        await api['engine.choose'](choice).then(
          () => set({ engineRestoreError: undefined }),
          (error: unknown) => set({ engineRestoreError: `The engine chosen last time (${choice.engine ?? `context ${choice.context}`}) is not in use: ${messageOf(error)}` }),
        );
      }
      const { options, problems } = get();
      if (Object.keys(problems).length > 0) return;
      const mine = ++generation;
      set({ preflightState: 'checking', preflightError: undefined });
      // Asked again with every check: a Docker context switched meanwhile is seen at the next one.
      api['engine.current']({}).then(
        (engine) => set({ engine, engineError: undefined }),
        (error: unknown) => set({ engine: undefined, engineError: messageOf(error) }),
      );
      try {
        const preflight = await api['labs.preflight']({ spec: specInputOf(options) as Record<string, unknown> });
        if (mine === generation) set({ preflight, preflightState: 'done' });
      } catch (error) {
        if (mine === generation) set({ preflightState: 'failed', preflightError: messageOf(error) });
      }
    },
    async chooseEngine(choice) {
      try {
        const engine = await api['engine.choose'](choice);
        set({ engine, engineError: undefined, engineChoiceError: undefined, engineRestoreError: undefined });
      } catch (error) {
        set({ engineChoiceError: messageOf(error) });
        return false;
      }
      keepEngineChoice(storage, choice);
      await get().runPreflight();
      return true;
    },
  }));
}
