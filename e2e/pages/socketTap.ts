// A tap on a screen's Socket.IO link (Playwright's routeWebSocket): everything passes
// through to the real server, the events the screen sends are recorded, and what the
// server sends can be held back for a moment (a screen that has not heard the news yet).
import type { Page, WebSocketRoute } from '@playwright/test';

type Frame = string | Buffer;

/** A Socket.IO event packet ("42" + optional ack id + JSON array), or null. */
function socketEvent(frame: Frame): { name: string; args: unknown[] } | null {
  if (typeof frame !== 'string') return null;
  const m = /^42\d*(\[.*)$/s.exec(frame);
  if (!m) return null;
  try {
    const [name, ...args] = JSON.parse(m[1]!) as [unknown, ...unknown[]];
    return typeof name === 'string' ? { name, args } : null;
  } catch {
    return null;
  }
}

export class SocketTap {
  /** Event packets the page sent, in order, across reconnects. */
  readonly sent: { name: string; args: unknown[] }[] = [];
  private holding = false;
  private held: { to: WebSocketRoute; frame: Frame }[] = [];

  private constructor() {}

  /** Must be attached before the page opens its socket. */
  static async attach(page: Page): Promise<SocketTap> {
    const tap = new SocketTap();
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        const e = socketEvent(frame);
        if (e) tap.sent.push(e);
        server.send(frame);
      });
      server.onMessage((frame) => {
        if (tap.holding) tap.held.push({ to: ws, frame });
        else ws.send(frame);
      });
    });
    return tap;
  }

  sentCount(name: string): number {
    return this.sent.filter((e) => e.name === name).length;
  }

  /** From now on, frames from the server wait until `release()`. */
  holdFromServer(): void {
    this.holding = true;
  }

  /** Delivers the held frames in their order and stops holding. */
  release(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const { to, frame } of held) to.send(frame);
  }
}
