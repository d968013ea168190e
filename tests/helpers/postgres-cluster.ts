// The throwaway PostgreSQL server of the stand-in's tests, shared with the app's tests and benchmarks.
export * from '../../standin/test/helpers/postgres-cluster.ts';
