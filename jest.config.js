/**
 * Two projects: `unit` (every test beside its source) and `integration` (integration/, which
 * spawns the real `troupe` command from dist/ and so needs `npm run build` first).
 * `npm test` runs both; `npm run test:unit` selects the first.
 */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  transform: {
    // Type checking is done once by `npm run build` (tsc); tests only transpile.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 20000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/integration/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/integration/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    },
  ],
};
