import { expect, type Locator, type Page } from '@playwright/test';

/** The Workshop screen as a teacher or student uses it: by role and name. */
export class WorkshopPage {
  constructor(readonly page: Page) {}

  action(name: 'Break' | 'Restore' | 'Next'): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  get lessonPicker(): Locator {
    return this.page.getByRole('combobox', { name: 'Lesson', exact: true });
  }

  get lessonTitle(): Locator {
    return this.page.locator('#lesson-title');
  }

  /** The header's words while a layer is off on purpose. */
  get headerNotice(): Locator {
    return this.page.locator('header .header-workshop');
  }

  get demonstration(): Locator {
    return this.page.locator('section.demonstration');
  }

  get board(): Locator {
    return this.page.getByRole('table');
  }

  boardRow(slot: number): Locator {
    return this.board.locator(`tr[data-slot="${slot}"]`);
  }

  band(id: string): Locator {
    return this.page.locator(`.workshop-bands [data-band="${id}"]`);
  }

  async togglePresenter(on: boolean): Promise<void> {
    const toggle = this.page.locator('header .presenter-toggle');
    if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', String(on));
  }

  async nameLayer(title: string): Promise<void> {
    await this.page.getByLabel('Which layer is broken?').selectOption({ label: title });
    await this.page.getByRole('button', { name: 'Name it' }).click();
  }
}
