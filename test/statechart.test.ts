import express from 'express';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitions } from '../machines/registry.ts';
import { createConsoleRouter } from '../src/console/console.router.ts';
import { allStates } from '../src/console/statechart-graph.ts';
import { statechartSource, type StatechartSource } from '../src/console/statechart-source.ts';
import { statechartLayout } from '../src/console/statecharts.ts';
import type { Box, Point, StatechartLayout } from '../src/console/ui/statechart-layout.ts';
import type { MachineDescription } from '../src/engine/introspection.ts';
import { errorHandler } from '../src/http/errors.ts';
import { createLogger } from '../src/logger.ts';
import { as, startHarness, type Harness } from './harness.ts';

let h: Harness;
/** Each machine as the API describes it, and as the console serves its drawing. */
const machines: Array<{
  description: MachineDescription;
  source: StatechartSource;
  layout: StatechartLayout;
}> = [];

beforeAll(async () => {
  h = await startHarness();
  const listed = await as(h.app, h.adminToken).get('/v1/machines');
  expect(listed.status).toBe(200);
  for (const description of (listed.body as { items: MachineDescription[] }).items) {
    const served = await supertest(h.app).get(`/console/diagrams/${description.name}.json`);
    expect(served.status).toBe(200);
    const { machine } = definitions.get(description.name)!;
    const source = statechartSource(machine, description);
    machines.push({ description, source, layout: served.body as StatechartLayout });
  }
});
afterAll(async () => h.close());

const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

/** On the box's border, give or take the rounding of the layout's coordinates. */
const onBorder = (p: Point, b: Box) => {
  const near = (u: number, v: number) => Math.abs(u - v) <= 1;
  const withinX = p.x >= b.x - 1 && p.x <= b.x + b.width + 1;
  const withinY = p.y >= b.y - 1 && p.y <= b.y + b.height + 1;
  return (
    (withinY && (near(p.x, b.x) || near(p.x, b.x + b.width))) ||
    (withinX && (near(p.y, b.y) || near(p.y, b.y + b.height)))
  );
};

const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('.')));

describe('statecharts laid out for the console', () => {
  it('when every machine is drawn, then the drawings come from the five machines GET /v1/machines describes', () => {
    expect(machines.map((m) => m.layout.machine).sort()).toEqual([...definitions.keys()].sort());
    for (const { description, layout } of machines) {
      expect(layout.version).toBe(description.version);
    }
  });

  it('when a machine is drawn, then every state has a box of its kind, inside its parent and the drawing', () => {
    for (const { description, layout } of machines) {
      const states = allStates(description.states);
      expect(layout.states.map((s) => s.path)).toEqual(states.map((s) => s.name));
      const drawing = { x: 0, y: 0, width: layout.width, height: layout.height };
      for (const state of states) {
        const box = layout.states.find((s) => s.path === state.name)!;
        const kind = state.states.length > 0 ? 'compound' : state.final ? 'final' : 'atomic';
        expect(box.kind, `${layout.machine} ${state.name}`).toBe(kind);
        expect(box.description).toBe(state.description);
        expect(box.width).toBeGreaterThan(0);
        expect(box.height).toBeGreaterThan(0);
        expect(inside(box, drawing), `${layout.machine} ${state.name}`).toBe(true);
        const parent = layout.states.find((s) => s.path === parentOf(state.name));
        if (parent) expect(inside(box, parent), `${state.name} in ${parent.path}`).toBe(true);
      }
    }
  });

  it('when a machine is drawn, then no two states side by side overlap, at the top level or within a compound state', () => {
    for (const { layout } of machines) {
      for (const a of layout.states) {
        for (const b of layout.states) {
          if (a === b || parentOf(a.path) !== parentOf(b.path)) continue;
          expect(overlap(a, b), `${layout.machine}: ${a.path} and ${b.path}`).toBe(false);
        }
      }
      if (layout.anyState) {
        for (const state of layout.states.filter((s) => !s.path.includes('.'))) {
          expect(
            overlap(layout.anyState, state),
            `${layout.machine}: any state and ${state.path}`,
          ).toBe(false);
        }
      }
      const compound = layout.states.filter((s) => s.kind === 'compound');
      expect(compound.length).toBe(
        allStates(machines.find((m) => m.layout === layout)!.description.states).filter(
          (s) => s.states.length > 0,
        ).length,
      );
    }
  });

  it('when a machine is drawn, then every transition of the description is an arrow from its source to its target, labelled with its event', () => {
    let transitions = 0;
    for (const { description, source, layout } of machines) {
      for (const state of allStates(description.states)) {
        for (const { event, targets } of state.transitions) {
          for (const target of targets) {
            transitions += 1;
            const arrows = layout.transitions.filter(
              (t) => t.source === state.name && t.target === target && t.events.includes(event),
            );
            expect(arrows, `${layout.machine}: ${state.name} --${event}--> ${target}`).toHaveLength(
              1,
            );
          }
        }
      }
      for (const { source: from, target, label } of source.automatic) {
        const arrows = layout.transitions.filter(
          (t) =>
            t.kind === 'automatic' &&
            t.source === from &&
            t.target === target &&
            t.events.includes(label),
        );
        expect(arrows, `${layout.machine}: ${from} ${label} ${target}`).toHaveLength(1);
      }
      for (const { event, target } of source.anyState) {
        const arrows = layout.transitions.filter(
          (t) => t.kind === 'anyState' && t.target === (target ?? '') && t.events.includes(event),
        );
        expect(arrows, `${layout.machine}: any state --${event}--> ${target}`).toHaveLength(1);
      }
      expect(layout.anyState === null).toBe(source.anyState.length === 0);
      const boxOf = (path: string) =>
        path === '' ? layout.anyState! : layout.states.find((s) => s.path === path)!;
      for (const arrow of layout.transitions) {
        const where = `${layout.machine}: ${arrow.source} → ${arrow.target}`;
        expect(arrow.points.length, where).toBeGreaterThanOrEqual(2);
        expect(onBorder(arrow.points[0]!, boxOf(arrow.source)), where).toBe(true);
        expect(onBorder(arrow.points.at(-1)!, boxOf(arrow.target)), where).toBe(true);
        // Room for the longest name on each of its lines.
        expect(arrow.label.height).toBeGreaterThanOrEqual(arrow.events.length * 15);
        expect(arrow.label.width).toBeGreaterThan(
          Math.max(...arrow.events.map((e) => e.length)) * 7,
        );
      }
    }
    // The five machines have dozens: a description read wrongly would show here.
    expect(transitions).toBeGreaterThan(40);
  });

  it('when a machine is drawn, then an arrow or a start dot leads to every state, and one leaves every state that is not final', () => {
    for (const { layout } of machines) {
      for (const state of layout.states) {
        const where = `${layout.machine}: ${state.path}`;
        const reached =
          layout.transitions.some((t) => t.target === state.path && t.source !== state.path) ||
          layout.starts.some((s) => s.target === state.path);
        expect(reached, where).toBe(true);
        if (state.kind === 'final') continue;
        // Left by an arrow of its own, of a state holding it, or from any state.
        const holders = (path: string): string[] =>
          path === '' ? [] : [path, ...holders(path.slice(0, Math.max(0, path.lastIndexOf('.'))))];
        const left = layout.transitions.some(
          (t) =>
            (holders(state.path).includes(t.source) || t.kind === 'anyState') &&
            t.target !== '' &&
            t.target !== t.source,
        );
        const inner = layout.states.some((s) => s.path.startsWith(`${state.path}.`));
        expect(left || inner, where).toBe(true);
      }
    }
    // What the description alone leaves out: reached only by a guard, or from any state.
    const transition = machines.find((m) => m.layout.machine === 'transition')!.layout;
    expect(transition.transitions).toContainEqual(
      expect.objectContaining({
        kind: 'automatic',
        source: 'migratingCustomers',
        target: 'completed',
        events: ['[everyCustomerSettled]'],
      }),
    );
    expect(transition.transitions).toContainEqual(
      expect.objectContaining({
        kind: 'anyState',
        source: '',
        target: 'cancelled',
        events: ['CANCEL'],
      }),
    );
    expect(transition.transitions).toContainEqual(
      expect.objectContaining({
        kind: 'anyState',
        source: '',
        target: '',
        events: ['MIGRATION_DEADLINE_PASSED'],
      }),
    );
  });

  it('when a machine or a compound state has an initial state, then a dot with an arrow marks it', () => {
    for (const { description, layout } of machines) {
      const expected = [
        { parent: '', target: description.initial },
        ...allStates(description.states)
          .filter((s) => s.initial !== null)
          .map((s) => ({ parent: s.name, target: `${s.name}.${s.initial}` })),
      ];
      expect(
        layout.starts
          .map(({ parent, target }) => ({ parent, target }))
          .sort((a, b) => a.parent.localeCompare(b.parent)),
      ).toEqual(expected.sort((a, b) => a.parent.localeCompare(b.parent)));
      for (const start of layout.starts) {
        const target = layout.states.find((s) => s.path === start.target)!;
        expect(onBorder(start.points.at(-1)!, target), `${layout.machine} ${start.parent}`).toBe(
          true,
        );
        expect(overlap(start.dot, target)).toBe(false);
      }
    }
    const enrollment = machines.find((m) => m.layout.machine === 'enrollment')!.layout;
    expect(enrollment.starts.map((s) => s.target).sort()).toEqual([
      'draft',
      'pendingApproval.onTime',
    ]);
  });

  it('when a layout is asked for many times, then it is laid out once for the process', async () => {
    expect(statechartLayout('enrollment')).toBe(statechartLayout('enrollment'));
    expect(await statechartLayout('enrollment')).toEqual(
      machines.find((m) => m.layout.machine === 'enrollment')!.layout,
    );
  });

  it('when the drawing is served, then it is revalidated, under the console policy, and an unknown machine is 404', async () => {
    const served = await supertest(h.app).get('/console/diagrams/transition.json');
    expect(served.type).toBe('application/json');
    expect(served.get('Cache-Control')).toBe('no-cache');
    expect(served.get('ETag')).toBeTruthy();
    expect(served.get('Content-Security-Policy')).toMatch(/^default-src 'none';script-src 'self'/);
    const again = await supertest(h.app)
      .get('/console/diagrams/transition.json')
      .set('If-None-Match', served.get('ETag')!);
    expect(again.status).toBe(304);
    for (const name of ['toString', '__proto__', 'nothing', 'Enrollment', 'enrollment.json']) {
      const res = await supertest(h.app).get(`/console/diagrams/${name}.json`);
      expect(res.status, name).toBe(404);
      expect(res.body).toMatchObject({ code: 'not_found' });
    }
    expect((await supertest(h.app).get('/console/diagrams/enrollment')).status).toBe(404);
  });

  it('when a layout cannot be made, then its drawing answers 503 console_unavailable, never a 500', async () => {
    const app = express();
    app.use(
      createConsoleRouter({ statechart: () => Promise.reject(new Error('no layout engine')) }),
    );
    app.use(errorHandler(createLogger('silent'), 1024));
    const res = await supertest(app).get('/console/diagrams/enrollment.json');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'console_unavailable' });
  });
});
