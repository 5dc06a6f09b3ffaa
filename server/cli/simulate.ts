// `npm run simulate -- [options]`: the plant simulator (server/simulator.ts) against a
// running Pullboard. See README "Plant simulator".
//
//   --url=http://127.0.0.1:3000   the server (default; PULLBOARD_URL)
//   credential: PULLBOARD_TOKEN (an API token, role lead or admin), or
//               --user=NAME with PULLBOARD_PASSWORD
//   --speed=60        simulated minutes per real minute
//   --minutes=480     simulated minutes to run (then it stops by itself)
//   --max-commands=100000
//   --load=0.6        customer demand as a share of what each customer loop is sized for
//   --seed=1
//   --stop=STATION --stop-at=60 --stop-for=120   a station (name or id) stops at minute
//                     60 for 120 simulated minutes (an andon line stop is raised for it)
import { parseArgs } from 'node:util';
import { simulate } from '../simulator.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    user: { type: 'string' },
    speed: { type: 'string' },
    minutes: { type: 'string' },
    'max-commands': { type: 'string' },
    load: { type: 'string' },
    seed: { type: 'string' },
    stop: { type: 'string' },
    'stop-at': { type: 'string' },
    'stop-for': { type: 'string' },
  },
  strict: true,
});

function num(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a number above 0 (got "${value}")`);
    process.exit(2);
  }
  return n;
}

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

try {
  const token = process.env.PULLBOARD_TOKEN;
  const result = await simulate({
    url: values.url ?? process.env.PULLBOARD_URL ?? 'http://127.0.0.1:3000',
    ...(token ? { token } : { username: values.user ?? 'admin', password: process.env.PULLBOARD_PASSWORD ?? '' }),
    speed: num('speed', values.speed, 60),
    minutes: num('minutes', values.minutes, 480),
    maxCommands: num('max-commands', values['max-commands'], 100_000),
    load: num('load', values.load, 0.6),
    seed: Math.floor(num('seed', values.seed, 1)),
    ...(values.stop
      ? { stop: { station: values.stop, atMinute: num('stop-at', values['stop-at'], 60), forMinutes: num('stop-for', values['stop-for'], 120) } }
      : {}),
    signal: controller.signal,
    log: (line) => console.log(line),
  });
  console.log(
    `simulated ${result.simulatedMinutes.toFixed(0)} min with ${result.commands} commands: ${result.uses} uses, ${result.starts} starts, ` +
      `${result.finishes} finishes; ${result.stockOuts} uses found no full container, ${result.starved} starts were starved, ${result.refused} other refusals`,
  );
} catch (err) {
  console.error(`simulate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
