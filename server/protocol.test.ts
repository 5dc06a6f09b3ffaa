// The protocol version in the handshake: a screen built for another version is refused
// before it can send anything; one that speaks this version, or an integration that
// does not say, is let in.
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../shared/names.ts';
import { HandshakeRefusal, PROTOCOL_VERSION } from '../shared/protocol.ts';
import { connectClient, startTestServer, stopAllServers, subscribe } from './testing/harness.ts';

afterEach(stopAllServers);

/** The `data` of the handshake refusal, or null when the socket was let in. */
async function handshake(url: string, auth: Record<string, unknown>): Promise<unknown> {
  try {
    await connectClient(url, 'tester', auth);
    return null;
  } catch (err) {
    return err instanceof Error && 'data' in err ? err.data : 'refused without data';
  }
}

describe('protocol version in the handshake', () => {
  it('lets in a screen that speaks the server\'s version, and it can subscribe', async () => {
    const server = await startTestServer();
    const socket = await connectClient(server.url, 'tester', { protocol: PROTOCOL_VERSION });
    const ack = await subscribe(socket);
    expect(ack.ok).toBe(true);
  });

  it('lets in an integration that does not send a version', async () => {
    const server = await startTestServer();
    expect(await handshake(server.url, {})).toBeNull();
  });

  it.each([PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1])(
    'refuses a screen that speaks version %i with PROTOCOL_MISMATCH naming both versions',
    async (version) => {
      const server = await startTestServer();
      const refusal = HandshakeRefusal.parse(await handshake(server.url, { protocol: version }));
      expect(refusal.code).toBe(ErrorCode.PROTOCOL_MISMATCH);
      expect(refusal.details).toEqual({ client: version, server: PROTOCOL_VERSION });
      expect(refusal.message).toMatch(/needs reloading/);
    },
  );

  it('an upgraded server refuses the screens of the version before it', async () => {
    const server = await startTestServer({ protocolVersion: PROTOCOL_VERSION + 1 });
    const refusal = HandshakeRefusal.parse(await handshake(server.url, { protocol: PROTOCOL_VERSION }));
    expect(refusal.details).toEqual({ client: PROTOCOL_VERSION, server: PROTOCOL_VERSION + 1 });
    expect(server.problems).toEqual([]);
  });
});
