// Reads the settings of api.md from the environment, refusing bad values at start.
import { z } from 'zod';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PULLBOARD_DB: z.string().min(1).default('./data/pullboard.db'),
  PULLBOARD_SEED: z.enum(['demo', 'none']).default('demo'),
  PULLBOARD_ADMIN_PASSWORD: z.string().optional(),
});
export type Config = z.infer<typeof Env>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = Env.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${lines}`);
  }
  return r.data;
}
