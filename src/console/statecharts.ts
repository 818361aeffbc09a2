import type { ELK } from 'elkjs/lib/elk-api.js';
import { definitions } from '../../machines/registry.ts';
import { describeMachine } from '../engine/introspection.ts';
import { jsonSchema } from '../http/openapi.ts';
import { statechartGraph, toStatechartLayout } from './statechart-graph.ts';
import { statechartSource } from './statechart-source.ts';
import type { StatechartLayout } from './ui/statechart-layout.ts';

let elk: Promise<ELK> | undefined;

/**
 * ELK is 1.6 MB of script: loaded the first time a statechart is asked for, not at the
 * server's start, and never sent to browsers, which get the finished layout instead.
 */
function layoutEngine(): Promise<ELK> {
  // A CommonJS module: Node hands its exports over as `default`, and ELK's constructor carries
  // itself as `default` too, which is the one TypeScript's types describe.
  elk ??= import('elkjs/lib/elk.bundled.js').then(
    ({ default: exported }) => new exported.default(),
  );
  return elk;
}

async function layOut(name: string): Promise<StatechartLayout> {
  const definition = definitions.get(name);
  if (!definition) throw new Error(`No machine ${name}`);
  // The very description GET /v1/machines/{name} serves, so the drawing and the API agree.
  const description = describeMachine(definition, (schema) => jsonSchema(schema, 'input'));
  const source = statechartSource(definition.machine, description);
  const engine = await layoutEngine();
  return toStatechartLayout(source, await engine.layout(statechartGraph(source)));
}

const layouts = new Map<string, Promise<StatechartLayout>>();

/**
 * A machine's statechart, laid out the first time it is asked for and kept for the life of
 * the process: the machines do not change while it runs. Undefined for a name that is not a
 * machine. A layout that failed is forgotten, so the next request tries again.
 */
export function statechartLayout(name: string): Promise<StatechartLayout> | undefined {
  if (!definitions.has(name)) return undefined;
  let found = layouts.get(name);
  if (!found) {
    found = layOut(name);
    found.catch(() => layouts.delete(name));
    layouts.set(name, found);
  }
  return found;
}
