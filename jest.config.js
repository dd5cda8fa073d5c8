// ts-jest compiles our TypeScript to CommonJS; @swc/jest turns the ESM-only
// packages (Nest 12 and a few of its dependencies) into CommonJS for Jest.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  '^.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
};
const transformIgnorePatterns = ['/node_modules/(?!(@nestjs|cookie|light-my-request|file-type|content-disposition|openapi-fetch|@apidevtools)/)'];
const common = { rootDir: '.', testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'mjs', 'json'], transform, transformIgnorePatterns };

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
  projects: [
    // Pure logic beside the code: no database.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    // The real app over HTTP against real PostgreSQL; every file gets its own
    // database cloned from a migrated template.
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/per-file.ts'],
    },
  ],
};
