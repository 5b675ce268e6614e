import type { ComponentKind } from '../../../common/lab-plan.ts';

/**
 * The products' own keystore tools, run in a one-shot container of the same image with the
 * component's config volume mounted, values fed on stdin so they never reach argv or env.
 * ES: `elasticsearch-keystore add -x -f` (docs: elasticsearch-keystore); Kibana:
 * `kibana-keystore add --stdin --force` (docs: Kibana secure settings).
 */
export interface KeystoreTool {
  create: string[];
  /** The setting names it holds, one a line: the verification's evidence. */
  list: string[];
  add: (setting: string) => string[];
  remove: (setting: string) => string[];
  /**
   * `add --force` creates a missing keystore (no password), as `create` would: one one-shot
   * container fewer per node. ES: BaseKeyStoreCommand (distribution/tools/keystore-cli); Kibana's
   * `add` wants the keystore made first.
   */
  addCreatesKeystore: boolean;
  /** Where the tool keeps the keystore: ES's config dir (KeyStoreWrapper); Kibana's getConfigDirectory(). */
  file: string;
}

export function keystoreToolFor(kind: ComponentKind): KeystoreTool | undefined {
  switch (kind) {
    case 'elasticsearch':
      return {
        create: ['/usr/share/elasticsearch/bin/elasticsearch-keystore', 'create'],
        list: ['/usr/share/elasticsearch/bin/elasticsearch-keystore', 'list'],
        add: (setting) => ['/usr/share/elasticsearch/bin/elasticsearch-keystore', 'add', '-x', '-f', setting],
        remove: (setting) => ['/usr/share/elasticsearch/bin/elasticsearch-keystore', 'remove', setting],
        addCreatesKeystore: true,
        file: '/usr/share/elasticsearch/config/elasticsearch.keystore',
      };
    case 'kibana':
      return {
        create: ['/usr/share/kibana/bin/kibana-keystore', 'create'],
        list: ['/usr/share/kibana/bin/kibana-keystore', 'list'],
        add: (setting) => ['/usr/share/kibana/bin/kibana-keystore', 'add', setting, '--stdin', '--force'],
        remove: (setting) => ['/usr/share/kibana/bin/kibana-keystore', 'remove', setting],
        addCreatesKeystore: false,
        file: '/usr/share/kibana/config/kibana.keystore',
      };
    default:
      return undefined;
  }
}
