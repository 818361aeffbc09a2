import { describeHostileInput } from './hostile-input.ts';

// A short run on every `npm test`; `npm run test:chaos` runs 1,000 per route.
describeHostileInput(Number(process.env.HOSTILE_RUNS ?? 60));
