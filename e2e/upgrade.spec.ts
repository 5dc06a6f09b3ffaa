// A screen left open while the server is upgraded to another protocol: it must not go on
// with the old client. It reloads itself once; still refused (its bundle is old), it says
// so plainly and sends nothing, and a reload once the server matches brings it back.
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { expect, test } from './fixtures.ts';
import { RECONNECT_TIMEOUT } from './pages/screen.ts';

test('a wall TV left open across an upgrade reloads once, then says it needs reloading', async ({ server, tv }) => {
  await tv.open();
  let loads = 0;
  tv.page.on('load', () => loads++);
  const commandsSent: string[] = [];
  tv.page.on('websocket', (ws) =>
    ws.on('framesent', (f) => {
      if (typeof f.payload === 'string' && /^42\d*\["(?!board:)/.test(f.payload)) commandsSent.push(f.payload);
    }),
  );

  await server.restart({ protocolVersion: PROTOCOL_VERSION + 1 });

  const notice = tv.page.getByRole('alert').filter({ hasText: 'This screen needs reloading' });
  await expect(notice).toBeVisible({ timeout: RECONNECT_TIMEOUT });
  await expect(notice).toContainText(`the server ${PROTOCOL_VERSION + 1}`);
  expect(loads).toBe(1); // exactly one reload, no loop
  expect(commandsSent).toEqual([]);

  // The server is rolled back to this protocol: "Reload now" brings the screen back live.
  await server.restart();
  await notice.getByRole('button', { name: 'Reload now' }).click();
  await tv.expectLive();
  await expect(notice).toHaveCount(0);
});
