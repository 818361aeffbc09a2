/**
 * What the console benchmark runs inside each page, from the start of its document: it keeps
 * the page's long tasks, notes when the sign-in form appears, and times an action (a click, a
 * new address) until what it waits for is on screen, by the page's own clock. Timing in the
 * page leaves out the round trips between the benchmark and the browser.
 *
 * Plain JavaScript in a string: functions handed to the browser from TypeScript run through
 * tsx, which adds helpers the page does not have. The console's Content-Security-Policy
 * forbids eval, so conditions are data (`Condition`), never code.
 */

/** Something on the page: the first element matching `selector`, or the first with `text`. */
export interface Target {
  selector: string;
  text?: string;
}

/** What an action waits for; every condition of a list must hold. */
export type Condition =
  | { present: string }
  | { text: string; pattern: string }
  /** The first child of the element has been replaced since the action began. */
  | { replaced: string };

export type Action = { click: Target } | { hash: string };

export interface LongTask {
  start: number;
  duration: number;
}

export interface Timed {
  ms: number;
  longTasks: LongTask[];
}

export interface LoadFigures {
  firstPaint: number | null;
  firstContentfulPaint: number | null;
  /** When the token field was in the document, ready to type into. */
  signInShown: number | null;
  domContentLoaded: number;
  longTasks: LongTask[];
}

export const probeScript = `(() => {
  const longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  let signInShown = null;
  const formWatch = new MutationObserver(() => {
    if (signInShown === null && document.getElementById('token')) {
      signInShown = performance.now();
      formWatch.disconnect();
    }
  });
  formWatch.observe(document, { childList: true, subtree: true });

  const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const find = ({ selector, text }) =>
    [...document.querySelectorAll(selector)].find((e) => text === undefined || e.textContent.trim() === text);
  const holds = (c, before) => {
    if ('present' in c) return document.querySelector(c.present) !== null;
    if ('text' in c) return new RegExp(c.pattern).test(document.querySelector(c.text)?.textContent ?? '');
    const now = document.querySelector(c.replaced)?.firstElementChild ?? null;
    return now !== null && now !== before.get(c.replaced);
  };
  const until = (conditions, before, timeoutMs) =>
    new Promise((resolve, reject) => {
      const check = () => conditions.every((c) => holds(c, before));
      if (check()) return resolve();
      const timer = setTimeout(() => {
        watch.disconnect();
        reject(new Error('waited ' + timeoutMs + ' ms for ' + JSON.stringify(conditions)));
      }, timeoutMs);
      const watch = new MutationObserver(() => {
        if (!check()) return;
        clearTimeout(timer);
        watch.disconnect();
        resolve();
      });
      watch.observe(document, { childList: true, subtree: true, characterData: true });
    });

  window.__bench = {
    async load() {
      await nextPaint();
      const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        firstPaint: paint['first-paint'] ?? null,
        firstContentfulPaint: paint['first-contentful-paint'] ?? null,
        signInShown,
        domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
        longTasks: [...longTasks],
      };
    },
    async act(action, conditions, timeoutMs) {
      const before = new Map();
      for (const c of conditions) {
        if ('replaced' in c) before.set(c.replaced, document.querySelector(c.replaced)?.firstElementChild ?? null);
      }
      const start = performance.now();
      if ('hash' in action) window.location.hash = action.hash;
      else {
        const element = find(action.click);
        if (!element) throw new Error('nothing to click: ' + JSON.stringify(action.click));
        element.click();
      }
      await until(conditions, before, timeoutMs);
      await nextPaint();
      const end = performance.now();
      return {
        ms: end - start,
        longTasks: longTasks.filter((t) => t.start + t.duration > start && t.start < end),
      };
    },
  };
})();`;
