/** Unit tests sit beside the code; integration tests talk to real parts (moto, socket.io). */
const tsJest = ['ts-jest', { tsconfig: 'server/tsconfig.test.json' }];
const ignored = ['<rootDir>/.venv/', '<rootDir>/lib/', '<rootDir>/server/dist/', '<rootDir>/jupyterlab_prism/'];

module.exports = {
  // Integration launches boot a real Jupyter through the emulated bootstrap.
  testTimeout: 150000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      modulePathIgnorePatterns: ignored,
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/server/src/**/*.test.ts']
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      modulePathIgnorePatterns: ignored,
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/server/test/**/*.test.ts']
    }
  ]
};
