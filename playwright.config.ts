import fs from 'node:fs';
import { defineConfig } from '@playwright/test';

// Browser tests drive Debian's Chromium (Playwright's own browser download cannot work
// on the plant's offline machines or in CI here). Each spec starts the real server
// itself (e2e/fixtures.ts) on a free port with a temporary database.
export const CHROMIUM = process.env.PULLBOARD_CHROMIUM ?? '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  throw new Error(
    `Browser tests need Chromium at ${CHROMIUM}. On Debian: apt-get install -y chromium ` +
      '(or set PULLBOARD_CHROMIUM to another Chromium binary).',
  );
}

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
