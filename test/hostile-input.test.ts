import { describeHostileInput } from './hostile-input.ts';

// A short run on every `npm test`, enough for every documented status of every route at
// this seed; `npm run test:chaos` runs 1,000 per route.
describeHostileInput(Number(process.env.HOSTILE_RUNS ?? 100));
