// What every Pullboard screen shares: the live indicator and the one alert region.
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

export type ConnectionState = 'live' | 'reconnecting' | 'offline';

/** Reconnecting after a server restart waits out Socket.IO's back-off (up to ~10 s). */
export const RECONNECT_TIMEOUT = 30_000;

export abstract class Screen {
  readonly connection: Locator;
  /** The role="alert" region where refusals are explained (the always-present one). */
  readonly alerts: Locator;

  constructor(
    readonly page: Page,
    protected readonly baseUrl: string,
  ) {
    this.connection = page.getByTestId('connection-status');
    this.alerts = page.getByRole('alert').and(page.getByTestId('alerts'));
  }

  protected async goto(path: string): Promise<void> {
    await this.page.goto(this.baseUrl + path);
  }

  /** Waits until the screen has its board and follows the server live. */
  async expectLive(timeout = RECONNECT_TIMEOUT): Promise<void> {
    await expect(this.connection).toHaveAttribute('data-status', 'live', { timeout });
  }

  async expectConnection(state: ConnectionState | RegExp, timeout?: number): Promise<void> {
    await expect(this.connection).toHaveAttribute('data-status', state, timeout === undefined ? {} : { timeout });
  }
}
