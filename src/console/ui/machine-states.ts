import type { Machine } from './session.ts';

type MachineState = Machine['states'][number];

/**
 * Every state of a machine by its dotted name, parents before their children, as filters
 * offer them: the API's `state` filter takes any of them, a parent matching its nested ones.
 */
export function stateNames(machine: Machine): string[] {
  const names: string[] = [];
  const walk = (states: readonly MachineState[]) => {
    for (const state of states) {
      if (state.name !== '') names.push(state.name);
      walk(state.states);
    }
  };
  walk(machine.states);
  return names;
}
