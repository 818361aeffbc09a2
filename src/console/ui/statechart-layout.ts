/**
 * A machine's statechart, laid out: what the server computes once from the description
 * `GET /v1/machines/{name}` serves, and the console draws as SVG. Every coordinate is in
 * pixels from the drawing's top left corner, so drawing needs no arithmetic of the layout's.
 */

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

export interface LaidOutState extends Box {
  /** The dotted path the API names states by, such as `pendingApproval.onTime`. */
  path: string;
  /** The last part of the path: what the box shows. */
  name: string;
  /** Compound states hold others; final states end the workflow. */
  kind: 'atomic' | 'compound' | 'final';
  description: string | null;
}

/**
 * One arrow between two states, labelled with every event that takes it. An `automatic` one is
 * taken without an event when its guard holds, and its label is that guard, in brackets. An
 * `anyState` one leaves the "any state" box (its source is `""`): the machine takes its event
 * in whichever state it is; a target `""` means it stays where it is.
 */
export interface LaidOutTransition {
  kind: 'event' | 'automatic' | 'anyState';
  source: string;
  target: string;
  events: string[];
  /** The route from the source's edge to the target's, through its bends. */
  points: Point[];
  /** Where the event names go, one a line. */
  label: Box;
}

/** The dot and arrow that mark the state a machine, or a compound state, starts in. */
export interface LaidOutStart {
  /** The compound state it starts, `""` for the machine itself. */
  parent: string;
  target: string;
  dot: Box;
  points: Point[];
}

export interface StatechartLayout {
  machine: string;
  version: number;
  width: number;
  height: number;
  /** Containers before what they contain, so drawing in order paints children on top. */
  states: LaidOutState[];
  transitions: LaidOutTransition[];
  starts: LaidOutStart[];
  /** Where the events taken in any state come from; null when the machine has none. */
  anyState: Box | null;
}

/**
 * The text metrics the layout was sized for: the drawing uses a monospace font of this size,
 * the only kind whose width the server can know without a browser.
 */
export const statechartText = {
  fontSize: 12,
  charWidth: 7.4,
  lineHeight: 15,
} as const;

/** What the box that events taken in any state leave from says. */
export const anyStateText = 'any state';
