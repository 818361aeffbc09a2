import type { ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import type { StateDescription } from '../engine/introspection.ts';
import type { StatechartSource } from './statechart-source.ts';
import {
  anyStateText,
  statechartText,
  type Box,
  type LaidOutStart,
  type LaidOutState,
  type LaidOutTransition,
  type Point,
  type StatechartLayout,
} from './ui/statechart-layout.ts';

/**
 * The machine's description as a graph for ELK, and ELK's answer back as a drawing. Both
 * directions are pure: the layout itself runs elsewhere (statecharts.ts), once per process.
 */

const statePrefix = 'state:';
const startPrefix = 'start:';
const anyStateNode = 'any-state';
const statePadding = { x: 12, y: 9 };
/** Room above a compound state's children for its name. */
const compoundHeader = 26;
const startDot = 12;

/** Laid out top to bottom, so that a phone's narrow screen shows the most of it. */
const rootOptions: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '16',
  'elk.spacing.edgeEdge': '12',
  'elk.spacing.edgeLabel': '4',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
  // Every coordinate from the drawing's corner: the browser draws without adding offsets.
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
};

const textWidth = (text: string) => Math.ceil(text.length * statechartText.charWidth);

function lastPart(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

function parentOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

/** The deepest state holding both (`""` for the machine): where ELK wants the edge. */
function commonContainer(source: string, target: string): string {
  let container = parentOf(source);
  while (container !== '' && !`${target}.`.startsWith(`${container}.`)) {
    container = parentOf(container);
  }
  return container;
}

/** Every state of the description, containers first. */
export function allStates(states: readonly StateDescription[]): StateDescription[] {
  return states.flatMap((s) => [s, ...allStates(s.states)]);
}

type Arrow = Pick<LaidOutTransition, 'kind' | 'source' | 'target' | 'events'>;

/**
 * One arrow per kind, source and target: several events between the same two states share
 * it, and its label lists them, one a line. An event with several targets (guarded
 * alternatives) gets an arrow to each.
 */
export function arrowsOf(source: StatechartSource): Arrow[] {
  const arrows = new Map<string, Arrow>();
  const add = (kind: Arrow['kind'], from: string, to: string, label: string) => {
    const key = JSON.stringify([kind, from, to]);
    const arrow = arrows.get(key) ?? { kind, source: from, target: to, events: [] };
    if (!arrow.events.includes(label)) arrow.events.push(label);
    arrows.set(key, arrow);
  };
  for (const state of allStates(source.description.states)) {
    for (const { event, targets } of state.transitions) {
      for (const target of targets) add('event', state.name, target, event);
    }
  }
  for (const { source: from, target, label } of source.automatic) {
    add('automatic', from, target, label);
  }
  for (const { event, target } of source.anyState) add('anyState', '', target ?? '', event);
  return [...arrows.values()];
}

function stateNode(state: StateDescription): ElkNode {
  const name = lastPart(state.name);
  const width = textWidth(name) + 2 * statePadding.x;
  if (state.states.length === 0) {
    return {
      id: statePrefix + state.name,
      width,
      height: statechartText.lineHeight + 2 * statePadding.y + (state.final ? 6 : 0),
    };
  }
  return {
    id: statePrefix + state.name,
    layoutOptions: {
      'elk.padding': `[top=${compoundHeader + 8},left=12,bottom=12,right=12]`,
      // Wide enough for its own name, however narrow its children.
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${width}, ${compoundHeader * 2})`,
    },
    children: childrenOf(state.states, state.name, state.initial),
  };
}

function childrenOf(
  states: readonly StateDescription[],
  parent: string,
  initial: string | null,
): ElkNode[] {
  const nodes = states.map(stateNode);
  if (initial !== null) {
    nodes.unshift({ id: startPrefix + parent, width: startDot, height: startDot });
  }
  return nodes;
}

function label(events: readonly string[]): ElkLabel {
  return {
    text: events.join('\n'),
    width: Math.max(...events.map(textWidth)) + 4,
    height: events.length * statechartText.lineHeight,
  };
}

const endOf = (arrow: Arrow, path: string) =>
  arrow.kind === 'anyState' && path === '' ? anyStateNode : statePrefix + path;

/** The machine as ELK's JSON graph: states as nodes, compound ones holding theirs. */
export function statechartGraph(source: StatechartSource): ElkNode {
  const { description } = source;
  const root: ElkNode = {
    id: 'root',
    layoutOptions: rootOptions,
    children: childrenOf(description.states, '', description.initial),
  };
  if (source.anyState.length > 0) {
    root.children?.push({
      id: anyStateNode,
      width: textWidth(anyStateText) + 2 * statePadding.x,
      height: statechartText.lineHeight + 2 * statePadding.y,
    });
  }
  const containers = new Map<string, ElkNode>([['', root]]);
  const visit = (nodes: readonly ElkNode[]) => {
    for (const node of nodes) {
      if (node.children) {
        containers.set(node.id.slice(statePrefix.length), node);
        visit(node.children);
      }
    }
  };
  visit(root.children ?? []);
  const edgesOf = (container: string): ElkExtendedEdge[] => {
    const node = containers.get(container) ?? root;
    node.edges ??= [];
    return node.edges;
  };

  arrowsOf(source).forEach((arrow, i) => {
    const container = arrow.kind === 'anyState' ? '' : commonContainer(arrow.source, arrow.target);
    edgesOf(container).push({
      id: `transition:${i}`,
      sources: [endOf(arrow, arrow.source)],
      targets: [endOf(arrow, arrow.target)],
      labels: [label(arrow.events)],
    });
  });
  const starts = [
    { parent: '', initial: description.initial },
    ...allStates(description.states).map((s) => ({ parent: s.name, initial: s.initial })),
  ];
  for (const { parent, initial } of starts) {
    if (initial === null) continue;
    const target = parent === '' ? initial : `${parent}.${initial}`;
    edgesOf(parent).push({
      id: `start:${parent}`,
      sources: [startPrefix + parent],
      targets: [statePrefix + target],
    });
  }
  return root;
}

const rounded = (n: number | undefined) => Math.round((n ?? 0) * 10) / 10;

function boxOf(shape: { x?: number; y?: number; width?: number; height?: number }): Box {
  return {
    x: rounded(shape.x),
    y: rounded(shape.y),
    width: rounded(shape.width),
    height: rounded(shape.height),
  };
}

function routeOf(edge: ElkExtendedEdge): Point[] {
  const [section] = edge.sections ?? [];
  if (!section) throw new Error(`The layout has no route for ${edge.id}`);
  return [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({
    x: rounded(p.x),
    y: rounded(p.y),
  }));
}

/**
 * ELK's answer, read back into the drawing the console serves. Throws when a state or arrow
 * of the description has no place in it: a drawing that leaves one out would mislead.
 */
export function toStatechartLayout(source: StatechartSource, laidOut: ElkNode): StatechartLayout {
  const { description } = source;
  const nodes = new Map<string, ElkNode>();
  const edges = new Map<string, ElkExtendedEdge>();
  const visit = (node: ElkNode) => {
    nodes.set(node.id, node);
    for (const edge of node.edges ?? []) edges.set(edge.id, edge);
    for (const child of node.children ?? []) visit(child);
  };
  visit(laidOut);
  const nodeOf = (id: string) => {
    const node = nodes.get(id);
    if (!node) throw new Error(`The layout has no ${id}`);
    return node;
  };

  const states: LaidOutState[] = allStates(description.states).map((state) => ({
    path: state.name,
    name: lastPart(state.name),
    kind: state.states.length > 0 ? 'compound' : state.final ? 'final' : 'atomic',
    description: state.description,
    ...boxOf(nodeOf(statePrefix + state.name)),
  }));
  const transitions: LaidOutTransition[] = arrowsOf(source).map((arrow, i) => {
    const edge = edges.get(`transition:${i}`);
    const [placed] = edge?.labels ?? [];
    if (!edge || !placed) throw new Error(`The layout has no transition:${i}`);
    return { ...arrow, points: routeOf(edge), label: boxOf(placed) };
  });
  const starts: LaidOutStart[] = [];
  for (const edge of edges.values()) {
    if (!edge.id.startsWith(startPrefix)) continue;
    const parent = edge.id.slice(startPrefix.length);
    starts.push({
      parent,
      target: (edge.targets[0] ?? '').slice(statePrefix.length),
      dot: boxOf(nodeOf(startPrefix + parent)),
      points: routeOf(edge),
    });
  }
  return {
    machine: description.name,
    version: description.version,
    width: Math.ceil(laidOut.width ?? 0),
    height: Math.ceil(laidOut.height ?? 0),
    states,
    transitions,
    starts,
    anyState: source.anyState.length > 0 ? boxOf(nodeOf(anyStateNode)) : null,
  };
}
