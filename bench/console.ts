import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../test/browser.ts';
import type { Api } from './api.ts';
import {
  probeScript,
  type Action,
  type Condition,
  type LoadFigures,
  type LongTask,
  type Timed,
} from './console-probe.ts';
import type { Partner } from './scenario.ts';
import { percentile } from './stats.ts';

/** A page load, by the browser's Performance API (ms from the start of navigation). */
export interface LoadTimes {
  firstPaint: number | null;
  firstContentfulPaint: number | null;
  signInShown: number | null;
  longestTaskMs: number;
}

export interface StepFigures {
  /** From the click until what it shows is painted, in the browser. */
  browserMs: number;
  /** Long tasks (over 50 ms) during the step, over every repetition. */
  longTasks: number;
  longestTaskMs: number;
}

export interface InteractionFigures extends StepFigures {
  name: string;
  /** The same request of the table's API alone, from the benchmark. */
  apiMs: number;
}

export interface ConsoleFigures {
  /** What the table's count said. */
  customersShown: string;
  repetitions: number;
  bundle: {
    scriptBytes: number;
    scriptGzipBytes: number;
    servedEncoding: string;
    styleBytes: number;
  };
  cold: LoadTimes;
  warm: LoadTimes;
  signIn: StepFigures;
  openTable: StepFigures;
  openTableApiMs: number;
  interactions: InteractionFigures[];
}

const timeoutMs = 60_000;
const tbody = 'table.customers tbody';

const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

const medianOrNull = (values: ReadonlyArray<number | null>): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : median(known);
};

const longest = (tasks: readonly LongTask[]): number =>
  Math.max(0, ...tasks.map((t) => t.duration));

async function act(page: Page, action: Action, conditions: Condition[]): Promise<Timed> {
  return page.evaluate<Timed>(
    `window.__bench.act(${JSON.stringify(action)}, ${JSON.stringify(conditions)}, ${timeoutMs})`,
  );
}

const loaded = (page: Page) => page.evaluate<LoadFigures>('window.__bench.load()');

/** One interaction of the table, and the API request it makes. */
interface Step {
  name: string;
  /** Sets the table up for the click (choosing filters); not timed. */
  prepare?: (page: Page) => Promise<void>;
  click: { selector: string; text?: string };
  until: Condition[];
  query: string;
}

/**
 * The console in headless Chromium for a partner's manager: loading it (cold, then warm),
 * signing in, opening the transition with its customer table, and filtering, sorting and
 * paging that table. Each repetition starts from a fresh browser context.
 */
export async function consolePhase(
  api: Api,
  partner: Partner,
  repetitions: number,
  log: (line: string) => void,
): Promise<ConsoleFigures> {
  const { base } = api;
  const transition = partner.transitionId;
  const customersPath = `/v1/workflows/${transition}/customers`;
  const firstPage = await api.call<{
    items: Array<{ workflows: { resellerRelationship?: { state: string } } }>;
    nextCursor: string | null;
  }>(partner.manager, 'GET', `${customersPath}?sort=name&order=asc&limit=50`);
  // Filtered to the state the first customer's relationship is in: after planning, that is
  // every customer's, so the filter matches them all, the most the table has to count.
  const state = firstPage.items[0]?.workflows.resellerRelationship?.state;
  if (!state) throw new Error('The transition has no customer with a reseller relationship');
  const sortBy = (key: string): Step => ({
    name: `sort by ${key}`,
    click: { selector: `th[data-sort=${key}] button` },
    until: [{ replaced: tbody }],
    query: `sort=${key}&order=asc&limit=50`,
  });
  const steps: Step[] = [
    {
      name: `filter: relationship ${state}`,
      prepare: async (page) => {
        await page.getByLabel('Workflow', { exact: true }).selectOption('resellerRelationship');
        const states = page.getByLabel('State', { exact: true });
        await states.locator(`option[value="${state}"]`).waitFor({ state: 'attached' });
        await states.selectOption(state);
      },
      click: { selector: 'button', text: 'Apply filters' },
      until: [{ text: '.match-count', pattern: ' match$' }, { replaced: tbody }],
      query: `machine=resellerRelationship&state=${state}&sort=name&order=asc&limit=50`,
    },
    {
      name: 'clear filters',
      click: { selector: 'button', text: 'Clear filters' },
      until: [{ text: '.match-count', pattern: ' customers$' }, { replaced: tbody }],
      query: 'sort=name&order=asc&limit=50',
    },
    {
      name: 'sort by name, descending',
      click: { selector: 'th[data-sort=name] button' },
      until: [{ replaced: tbody }],
      query: 'sort=name&order=desc&limit=50',
    },
    sortBy('since'),
    sortBy('resellerRelationship'),
    sortBy('name'),
    {
      name: 'next page',
      click: { selector: 'button', text: 'Next page' },
      until: [{ text: '.customer-table .pager', pattern: 'Page 2' }, { replaced: tbody }],
      query: `sort=name&order=asc&limit=50&cursor=${firstPage.nextCursor ?? ''}`,
    },
  ];

  const bundle = await bundleSizes(api);
  const browser: Browser = await launchChromium('console benchmark');
  const cold: LoadFigures[] = [];
  const warm: LoadFigures[] = [];
  const signIn: Timed[] = [];
  const openTable: Timed[] = [];
  const timed = new Map<string, Timed[]>(steps.map((s) => [s.name, []]));
  let customersShown = '';
  try {
    for (let round = 0; round < repetitions; round += 1) {
      const context: BrowserContext = await browser.newContext({
        viewport: { width: 1280, height: 900 },
      });
      await context.addInitScript({ content: probeScript });
      const page = await context.newPage();
      await page.goto(`${base}/console`);
      cold.push(await loaded(page));
      await page.goto(`${base}/console`);
      warm.push(await loaded(page));

      await page.getByLabel('API token').fill(partner.manager);
      signIn.push(
        await act(page, { click: { selector: 'button', text: 'Sign in' } }, [
          { present: 'table.transitions tbody tr' },
        ]),
      );
      openTable.push(
        await act(page, { hash: `#/workflows/${transition}` }, [
          { text: '.match-count', pattern: '^[\\d,]+ customers$' },
          { present: `${tbody} tr` },
        ]),
      );
      customersShown = await page.locator('.match-count').innerText();
      for (const step of steps) {
        await step.prepare?.(page);
        timed.get(step.name)!.push(await act(page, { click: step.click }, step.until));
      }
      await context.close();
      log(`  round ${round + 1}: table open in ${openTable.at(-1)!.ms.toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
  }

  const apiTime = async (query: string) => {
    const samples: number[] = [];
    for (let i = 0; i < repetitions; i += 1) {
      const t = performance.now();
      await api.call(partner.manager, 'GET', `${customersPath}?${query}`);
      samples.push(performance.now() - t);
    }
    return median(samples);
  };
  const interactions: InteractionFigures[] = [];
  for (const step of steps) {
    interactions.push({
      name: step.name,
      ...stepFigures(timed.get(step.name)!),
      apiMs: await apiTime(step.query),
    });
  }
  const loadTimes = (loads: LoadFigures[]): LoadTimes => ({
    firstPaint: medianOrNull(loads.map((l) => l.firstPaint)),
    firstContentfulPaint: medianOrNull(loads.map((l) => l.firstContentfulPaint)),
    signInShown: medianOrNull(loads.map((l) => l.signInShown)),
    longestTaskMs: longest(loads.flatMap((l) => l.longTasks)),
  });
  return {
    customersShown,
    repetitions,
    bundle,
    cold: loadTimes(cold),
    warm: loadTimes(warm),
    signIn: stepFigures(signIn),
    openTable: stepFigures(openTable),
    openTableApiMs: await apiTime('sort=name&order=asc&limit=50'),
    interactions,
  };
}

function stepFigures(runs: readonly Timed[]): StepFigures {
  const tasks = runs.flatMap((r) => r.longTasks);
  return {
    browserMs: median(runs.map((r) => r.ms)),
    longTasks: tasks.length,
    longestTaskMs: longest(tasks),
  };
}

/** The console's script and stylesheet as served, and what gzip would make of the script. */
async function bundleSizes(api: Api): Promise<ConsoleFigures['bundle']> {
  const asked = { headers: { 'Accept-Encoding': 'gzip, br' } };
  const script = await api.request('GET', '/console/app.js', asked);
  const style = await api.request('GET', '/console/console.css', asked);
  const encoding = script.headers['content-encoding'] ?? 'none';
  const served = (r: typeof script) =>
    r.headers['content-encoding']
      ? Number(r.headers['content-length'] ?? Number.NaN)
      : Buffer.byteLength(r.text);
  return {
    scriptBytes: served(script),
    scriptGzipBytes: gzipSync(script.text).length,
    servedEncoding: encoding,
    styleBytes: served(style),
  };
}

const ms = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)}`);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

/** The figures as the benchmark prints them. */
export function consoleLines(r: ConsoleFigures): string[] {
  const out: string[] = [];
  out.push(
    `Console in headless Chromium, a manager of a partner with ${r.customersShown} (median of ${r.repetitions}):`,
  );
  out.push(
    `  script ${kib(r.bundle.scriptBytes)} as served (encoding: ${r.bundle.servedEncoding}; ${kib(r.bundle.scriptGzipBytes)} gzipped), stylesheet ${kib(r.bundle.styleBytes)}`,
  );
  out.push('');
  out.push(
    '| load of /console | first paint ms | first contentful paint ms | sign-in form ms | longest task ms |',
  );
  out.push('|---|---:|---:|---:|---:|');
  for (const [name, l] of [
    ['cold (new context)', r.cold],
    ['warm (second load)', r.warm],
  ] as const) {
    out.push(
      `| ${name} | ${ms(l.firstPaint)} | ${ms(l.firstContentfulPaint)} | ${ms(l.signInShown)} | ${ms(l.longestTaskMs)} |`,
    );
  }
  out.push('');
  out.push('| step | browser ms | API alone ms | long tasks | longest task ms |');
  out.push('|---|---:|---:|---:|---:|');
  const row = (name: string, s: StepFigures, apiMs: number | null) =>
    `| ${name} | ${ms(s.browserMs)} | ${apiMs === null ? '' : ms(apiMs)} | ${s.longTasks} | ${ms(s.longestTaskMs)} |`;
  out.push(row('sign in → transitions list', r.signIn, null));
  out.push(row('open the transition → first rows and count', r.openTable, r.openTableApiMs));
  for (const i of r.interactions) out.push(row(i.name, i, i.apiMs));
  return out;
}
