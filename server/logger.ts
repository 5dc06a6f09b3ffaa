// A minimal leveled logger (stderr), silent in tests unless PULLBOARD_LOG is set.
export interface Logger {
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

export function consoleLogger(prefix = 'pullboard'): Logger {
  const line = (level: string, msg: string, extra?: unknown) => {
    const tail = extra instanceof Error ? ` ${extra.stack ?? extra.message}` : extra === undefined ? '' : ` ${JSON.stringify(extra)}`;
    process.stderr.write(`${new Date().toISOString()} ${prefix} ${level} ${msg}${tail}\n`);
  };
  return {
    info: (m, e) => line('info', m, e),
    warn: (m, e) => line('warn', m, e),
    error: (m, e) => line('error', m, e),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
