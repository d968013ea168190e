import { appOnPglite } from './boot-standin.ts';

export default appOnPglite;
