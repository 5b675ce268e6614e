import { join } from 'node:path';

/** Same layout as the official image; env overrides let tests run the program as a host process. */
export interface KibanaPaths {
  home: string;
  config: string;
  ymlFile: string;
  keystoreFile: string;
  data: string;
}

export function resolveKibanaPaths(env: NodeJS.ProcessEnv): KibanaPaths {
  const home = env.KIBANA_HOME || '/usr/share/kibana';
  // Kibana reads KBN_PATH_CONF (src/core/packages/config: getConfigDirectory) for kibana.yml and kibana.keystore.
  const config = env.KBN_PATH_CONF || join(home, 'config');
  return {
    home,
    config,
    ymlFile: join(config, 'kibana.yml'),
    keystoreFile: join(config, 'kibana.keystore'),
    data: join(home, 'data'),
  };
}
