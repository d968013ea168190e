import { defineConfig } from 'vitest/config';
import { standinProjects } from './vitest.projects.ts';

// `npx vitest run` inside standin/: the stand-in's tests alone, on its own fixture projects.
export default defineConfig({
  test: {
    sequence: { shuffle: true },
    onConsoleLog: (log) => !log.includes('Node.js 20 and below are deprecated'),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: standinProjects,
  },
});
