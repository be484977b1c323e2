/** Unit tests sit beside the code; integration tests talk to real parts (moto, socket.io). */
const tsJest = ['ts-jest', { tsconfig: 'server/tsconfig.test.json', isolatedModules: true }];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/server/src/**/*.test.ts']
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/server/test/**/*.test.ts'],
      testTimeout: 60000
    }
  ]
};
