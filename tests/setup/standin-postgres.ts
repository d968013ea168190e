import { appOnPostgres } from './boot-standin.ts';

export default appOnPostgres;
