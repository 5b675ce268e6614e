import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';

/**
 * A lab on an ssh:// engine (issue 14): its ports are on the engine host's 127.0.0.1, so the Access
 * tab says each endpoint goes through an SSH tunnel the app holds open, and its links use the tunnel's
 * local port. The demo lab is enough: the tunnels themselves are main/core/docker/lab-endpoint-reach.test.ts
 * and integration/remote-engine/ssh-engine.test.ts.
 */
test.skip(({ handlers }) => handlers !== 'fake', 'the demo machine has an ssh:// engine to pick; the real one has none');

const SSH_ENGINE = 'ssh://ada@lab-host.example';

test('on an ssh:// engine the Access tab shows each endpoint through its SSH tunnel and links to the local end', async ({ appPage: page, shoot }) => {
  const app = new LabApp(page);
  await page.getByRole('button', { name: 'Change engine' }).click();
  const panel = page.getByRole('region', { name: 'Choose the Docker engine' });
  await panel.getByRole('textbox', { name: 'Docker context or address' }).fill(SSH_ENGINE);
  await panel.getByRole('button', { name: 'Use this engine' }).click();
  await expect(page.getByTestId('engine-line')).toHaveText(`Docker engine: ${SSH_ENGINE} (chosen in the app)`);

  await app.fillStartOptions({ name: 'default', emulated: true });
  await app.startButton.click();
  await app.waitForLabHome('default', 60_000);
  await app.tab('Access').click();

  await expect(page.getByText('The lab runs on ada@lab-host.example. The app keeps SSH tunnels to its ports open while it runs.')).toBeVisible();
  const kibana = page.getByTestId('tunnel-kibana');
  await expect(kibana).toHaveText('SSH tunnel → 127.0.0.1:5601 on lab-host.example');
  await expect(page.getByRole('link', { name: 'Open Kibana in the browser' })).toHaveAttribute('href', 'https://localhost:45601');
  await expect(page.getByTestId('tunnel-elasticsearch')).toHaveText('SSH tunnel → 127.0.0.1:9200 on lab-host.example');

  for (const presenter of [false, true]) {
    await app.setPresenter(presenter);
    const name = `access-ssh-tunnels-1280x800${presenter ? '-presenter' : ''}`;
    await shoot(name);
    const dir = process.env.REMOTE_SHOTS_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.png`), await page.screenshot());
    }
  }
});
