import { describeHostileInput } from '../hostile-input.ts';

// The full run: 1,000 generated requests on every route.
describeHostileInput(1000);
