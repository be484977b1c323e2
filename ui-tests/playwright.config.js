/**
 * Galata's Playwright defaults, with Debian's Chromium and a JupyterLab that
 * start-lab.sh starts with moto and the Prism service behind the proxy.
 * Galata comes from the repository's root node_modules: no install here.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

module.exports = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results',
  // A launch runs a real (emulated) boot that starts a real Jupyter.
  timeout: 5 * 60 * 1000,
  workers: 1,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    baseURL: 'http://localhost:8890',
    trace: 'retain-on-failure',
    // Video needs Playwright's own ffmpeg download; the trace is enough.
    video: 'off',
    launchOptions: {
      executablePath: process.env.PRISM_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  webServer: {
    command: './start-lab.sh',
    url: 'http://localhost:8890/lab',
    timeout: 120 * 1000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe'
  }
};
