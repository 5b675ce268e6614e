import { expect, type Locator, type Page } from '@playwright/test';

/** What a person sees and does, by role and name; specs never repeat a raw selector. */
export class LabApp {
  constructor(readonly page: Page) {}

  get startButton(): Locator {
    return this.page.getByRole('button', { name: 'Start lab', exact: true });
  }

  tab(name: 'Security layers' | 'Topology' | 'Access' | 'Logs' | 'Export'): Locator {
    return this.page.getByRole('tab', { name });
  }

  band(id: string): Locator {
    return this.page.locator(`[data-band="${id}"]`);
  }

  phase(id: string): Locator {
    return this.page.locator(`[data-phase="${id}"]`);
  }

  dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  async fillStartOptions(options: { name: string; emulated: boolean }): Promise<void> {
    await this.page.getByLabel('Lab name').fill(options.name);
    await this.page.getByRole('radio', { name: options.emulated ? 'Emulated (offline)' : 'Official' }).check();
  }

  /** Presenter mode on or off, the pointer moved out of the way (no hover in a screenshot). */
  async setPresenter(on: boolean): Promise<void> {
    const toggle = this.page.locator('header .presenter-toggle');
    if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', String(on));
    await this.page.mouse.move(0, 0);
  }

  /** Removes the lab through the app's own API (cleanup after a failed run), whatever the transport. */
  async removeLabQuietly(lab: string): Promise<void> {
    await this.page
      .evaluate(async (name) => {
        const input = { lab: name, purge: true };
        const bridge = (window as unknown as { seclab?: Record<string, (input: unknown) => Promise<unknown>> }).seclab;
        if (bridge) return bridge['labs.down'](input);
        // seclab ui wants the page key the tab took from the link's fragment (renderer/api/page-key.ts).
        const key = sessionStorage.getItem('seclab.pageKey') ?? '';
        return fetch('/api/labs.down', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Seclab-Key': key }, body: JSON.stringify(input) }).then((response) => response.json());
      }, lab)
      .catch(() => undefined);
  }

  /** The lab's home, or at once the failure the app shows (a failed bring-up never turns into the home). */
  async waitForLabHome(lab: string, timeout: number): Promise<void> {
    const home = this.page.getByRole('heading', { level: 1, name: `Lab ${lab}`, exact: true });
    const failed = this.page.getByRole('heading', { level: 1, name: `Lab ${lab} did not come up` });
    await expect(home.or(failed)).toBeVisible({ timeout });
    if (await failed.isVisible())
      throw new Error(
        `bring-up of ${lab} failed: ${await this.page
          .getByRole('alert')
          .first()
          .innerText()
          .catch(() => '(no alert text)')}`,
      );
    await expect(this.tab('Security layers')).toHaveAttribute('aria-selected', 'true');
  }
}
