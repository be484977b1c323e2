/**
 * The UI benchmark (bench/extension-ui.ts runs it): ui-tests' Playwright set-up
 * with Debian's Chromium, against bench/ui/start-lab.sh's JupyterLab on 8891
 * with 1 000 workstations seeded. Not a test suite: panel-timings.spec.ts
 * measures and writes its samples to BENCH_UI_OUT.
 */
const base = require('../../ui-tests/playwright.config.js');

module.exports = {
  ...base,
  testDir: '.',
  testMatch: 'panel-timings.spec.ts',
  outputDir: require('node:os').tmpdir() + '/prism-bench-ui-results',
  timeout: 10 * 60 * 1000,
  retries: 0,
  reporter: [['list']],
  use: { ...base.use, baseURL: 'http://localhost:8891', trace: 'off' },
  webServer: {
    ...base.webServer,
    command: './start-lab.sh',
    url: 'http://localhost:8891/lab'
  }
};
