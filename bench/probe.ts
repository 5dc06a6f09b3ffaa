// Preloaded into every server the benchmark starts (`--import bench/probe.ts`, with
// --expose-gc): answers memory requests from the benchmark over the IPC channel. It does
// nothing else and changes nothing in the server.
interface ProbeRequest {
  type?: unknown;
  id?: unknown;
}

if (typeof process.send === 'function') {
  process.on('message', (msg: ProbeRequest) => {
    if (msg?.type !== 'pb-bench-memory' || typeof msg.id !== 'number') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    // Two full collections: the second picks up what finalizers of the first released.
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    process.send?.({
      id: msg.id,
      memory: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers },
    });
  });
  // The IPC channel must not keep a server alive that was asked to stop, and a server
  // whose benchmark died (Ctrl-C, crash) must not outlive it.
  process.channel?.unref();
  process.on('disconnect', () => process.exit(0));
}
