import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The validator is precompiled by the build (scripts/build-schema.mjs); tests use the built one.
    alias: [
      {
        find: /^\.\/schema-validator\.js$/,
        replacement: fileURLToPath(new URL('./dist/schema-validator.js', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
