/** Type checking is done once by `npm run typecheck`; jest only transpiles. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    '/@opentelemetry/otlp-exporter-base/.+\\.js$': '<rootDir>/test/support/require-builtin-imports.js',
  },
  // Dependencies are not transformed, except the OTLP exporter's (see require-builtin-imports.js).
  transformIgnorePatterns: ['/node_modules/(?!@opentelemetry/otlp-exporter-base/)'],
  testTimeout: 30000,
  maxWorkers: 2,
};
