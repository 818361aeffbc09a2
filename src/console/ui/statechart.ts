import { h, uniqueId } from './dom.ts';
import {
  anyStateText,
  statechartText,
  type Box,
  type LaidOutState,
  type LaidOutTransition,
  type Point,
  type StatechartLayout,
} from './statechart-layout.ts';
import { machineLabel, stateLabel } from './words.ts';

/**
 * A machine drawn as a statechart, the current state marked. The server lays each machine out
 * once (with ELK, which is far too large to send to every browser); this draws its answer as
 * SVG built with DOM calls, styled by classes in console.css, so the page's strict
 * Content-Security-Policy holds.
 */

const svgNamespace = 'http://www.w3.org/2000/svg';
type SvgChild = SVGElement | string;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  ...children: SvgChild[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNamespace, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/** Layouts do not change while the server runs: each machine's is fetched once per tab. */
const layouts = new Map<string, Promise<StatechartLayout>>();

function layoutOf(machine: string): Promise<StatechartLayout> {
  let found = layouts.get(machine);
  if (!found) {
    found = fetch(`/console/diagrams/${encodeURIComponent(machine)}.json`).then(
      async (response) => {
        if (!response.ok) throw new Error(`The ${machine} statechart answered ${response.status}`);
        // The console's own server laid it out from the machine it runs.
        return (await response.json()) as StatechartLayout;
      },
    );
    found.catch(() => layouts.delete(machine));
    layouts.set(machine, found);
  }
  return found;
}

/** How a state stands to the current one: it, one that holds it, or neither. */
function standing(state: LaidOutState, current: string): string {
  if (state.path === current) return 'current';
  return current.startsWith(`${state.path}.`) ? 'holds-current' : '';
}

function stateShape(state: LaidOutState, current: string): SVGGElement {
  const { x, y, width, height } = state;
  const compound = state.kind === 'compound';
  const group = svg('g', {
    class: ['state', state.kind, standing(state, current)].filter(Boolean).join(' '),
    'data-state': state.path,
  });
  group.append(svg('rect', { x, y, width, height, rx: compound ? 10 : 14 }));
  if (state.kind === 'final') {
    group.append(
      svg('rect', {
        class: 'inner',
        x: x + 3,
        y: y + 3,
        width: width - 6,
        height: height - 6,
        rx: 11,
      }),
    );
  }
  const text = compound
    ? svg('text', { x: x + 12, y: y + 20 }, state.name)
    : svg('text', { x: x + width / 2, y: y + height / 2, 'text-anchor': 'middle' }, state.name);
  if (!compound) text.setAttribute('dominant-baseline', 'central');
  group.append(text);
  if (state.description) group.append(svg('title', {}, `${state.path}: ${state.description}`));
  return group;
}

/** Where the events the machine takes in whichever state it is leave from. */
function anyStateShape({ x, y, width, height }: Box): SVGGElement {
  return svg(
    'g',
    { class: 'any-state' },
    svg('rect', { x, y, width, height, rx: 14 }),
    svg(
      'text',
      {
        x: x + width / 2,
        y: y + height / 2,
        'text-anchor': 'middle',
        'dominant-baseline': 'central',
      },
      anyStateText,
    ),
    svg('title', {}, 'Events taken in whichever state the workflow is, while it is active.'),
  );
}

const pathThrough = (points: readonly Point[]) =>
  points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ');

function transitionShape(transition: LaidOutTransition, arrow: string): SVGGElement {
  const { label } = transition;
  const text = svg('text', { class: 'events' });
  transition.events.forEach((event, i) => {
    text.append(
      svg('tspan', { x: label.x + 2, y: label.y + (i + 1) * statechartText.lineHeight - 4 }, event),
    );
  });
  return svg(
    'g',
    {
      class: `transition ${transition.kind}`,
      'data-source': transition.source,
      'data-target': transition.target,
    },
    svg('path', { d: pathThrough(transition.points), 'marker-end': `url(#${arrow})` }),
    svg('rect', { class: 'label-ground', ...label }),
    text,
  );
}

/** The `<svg>` itself: a picture with a name, for screen readers as for eyes. */
export function statechartDrawing(
  layout: StatechartLayout,
  current: string,
  name: string,
): SVGSVGElement {
  const arrow = uniqueId('statechart-arrow');
  const drawing = svg(
    'svg',
    {
      class: 'statechart-drawing',
      role: 'img',
      'aria-label': name,
      viewBox: `0 0 ${layout.width} ${layout.height}`,
      width: layout.width,
      height: layout.height,
    },
    svg('title', {}, name),
    svg(
      'defs',
      {},
      svg(
        'marker',
        {
          id: arrow,
          class: 'arrowhead',
          viewBox: '0 0 10 10',
          refX: 10,
          refY: 5,
          markerWidth: 8,
          markerHeight: 8,
          markerUnits: 'userSpaceOnUse',
          orient: 'auto',
        },
        svg('path', { d: 'M0 0 L10 5 L0 10 z' }),
      ),
    ),
    svg(
      'g',
      { class: 'states' },
      ...layout.states.map((s) => stateShape(s, current)),
      ...(layout.anyState ? [anyStateShape(layout.anyState)] : []),
    ),
    svg(
      'g',
      { class: 'starts' },
      ...layout.starts.map((start) =>
        svg(
          'g',
          { class: 'start', 'data-starts': start.parent },
          svg('circle', {
            cx: start.dot.x + start.dot.width / 2,
            cy: start.dot.y + start.dot.height / 2,
            r: start.dot.width / 2,
          }),
          svg('path', { d: pathThrough(start.points), 'marker-end': `url(#${arrow})` }),
        ),
      ),
    ),
    svg('g', { class: 'transitions' }, ...layout.transitions.map((t) => transitionShape(t, arrow))),
  );
  // Never smaller than 70% of its size, where the names stay readable; on a narrow screen
  // its box scrolls instead. Set through the CSSOM, which the policy allows, not as markup.
  drawing.style.maxWidth = `${layout.width}px`;
  drawing.style.minWidth = `${Math.round(layout.width * 0.7)}px`;
  return drawing;
}

/** Brings the current state into the middle of the box, when the drawing is wider than it. */
function centreOn(
  box: HTMLElement,
  drawing: SVGSVGElement,
  layout: StatechartLayout,
  current: string,
) {
  const state = layout.states.find((s) => s.path === current);
  if (!state || box.scrollWidth <= box.clientWidth) return;
  const scale = drawing.getBoundingClientRect().width / layout.width;
  box.scrollLeft = (state.x + state.width / 2) * scale - box.clientWidth / 2;
}

/** What the drawing says in words: which machine, and where this workflow stands in it. */
export function statechartName(machine: string, state: string, done: boolean): string {
  const where = state === '' ? 'no known state' : `${stateLabel(state)} (${state})`;
  return `Statechart of the ${machineLabel(machine).toLowerCase()} workflow; ${done ? 'it ended in' : 'it is now in'} ${where}.`;
}

/** The section of a workflow's page that shows its machine and where it stands in it. */
export function statechartSection(workflow: {
  machine: string;
  state: string;
  status: string;
}): HTMLElement {
  const box = h('div', { class: 'statechart-box' }, h('p', { class: 'muted' }, 'Drawing…'));
  const section = h(
    'section',
    { 'aria-labelledby': 'statechart-heading' },
    h('h2', { id: 'statechart-heading' }, 'Where it stands'),
    h(
      'figure',
      { class: 'statechart' },
      box,
      h(
        'figcaption',
        { class: 'hint' },
        'Its current state is filled in, and the states holding it are outlined. A double border marks a final state; a dot, where the machine or a state within starts. Arrows carry the events that take them; a dashed arrow is taken by itself once its [condition] holds, and arrows from "any state" leave whichever state the workflow is in.',
      ),
    ),
  );
  const name = statechartName(workflow.machine, workflow.state, workflow.status !== 'active');
  layoutOf(workflow.machine).then(
    (layout) => {
      const drawing = statechartDrawing(layout, workflow.state, name);
      box.replaceChildren(drawing);
      // A box that scrolls must be reachable by keyboard to be scrolled.
      box.setAttribute('tabindex', '0');
      box.setAttribute('role', 'group');
      box.setAttribute('aria-label', 'Statechart, scrolls sideways when wider than the screen');
      if (box.isConnected) centreOn(box, drawing, layout, workflow.state);
    },
    () => {
      box.replaceChildren(
        h('p', { role: 'alert' }, 'The statechart could not be drawn; reload to try again.'),
      );
    },
  );
  return section;
}
