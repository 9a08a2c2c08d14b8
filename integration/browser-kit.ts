/**
 * Headless Chromium for the browser tests: Debian's `/usr/bin/chromium` (package `chromium`,
 * which `.ci/run` installs when missing) driven by playwright-core. A scenario's pages are
 * screenshotted into a temp dir when it fails (the path is printed), and closed either way;
 * the test file closes the browser in its afterAll.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does it)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
}

/** What a page logged that a test must not accept: CSP refusals and uncaught errors. */
function watchProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) {
      problems.push(`csp: ${m.text()}`);
    }
  });
}

export type Open = (url: string) => Promise<Page>;

/**
 * Runs `body` with a fresh browser context. On failure every page still open is screenshotted
 * into a new temp dir, printed, and the error rethrown; on success no page may have logged a
 * CSP violation or an uncaught error.
 */
export async function scenario(
  browser: Browser,
  name: string,
  body: (open: Open) => Promise<void>,
): Promise<void> {
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 1100, height: 640 },
  });
  const problems: string[] = [];
  const open: Open = async (url) => {
    const page = await context.newPage();
    watchProblems(page, problems);
    await page.goto(url);
    return page;
  };
  try {
    await body(open);
    if (problems.length > 0) throw new Error(`the page reported: ${problems.join('\n')}`);
  } catch (e) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'troupe-demo-failure-'));
    const pages = context.pages();
    await Promise.all(
      pages.map((p, i) => p.screenshot({ path: path.join(dir, `page-${i}.png`) }).catch(() => {})),
    );
    console.error(`demo browser test "${name}" failed: ${pages.length} screenshot(s) in ${dir}`);
    if (problems.length > 0) console.error(problems.join('\n'));
    throw e;
  } finally {
    await context.close().catch(() => {});
  }
}

export const selector = (testid: string): string => `[data-testid="${testid}"]`;

/**
 * The little of the DOM the in-page functions below touch (the project compiles without the
 * DOM lib). Those functions run in the page: they may use only their arguments and globals.
 */
interface El {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
interface Doc {
  querySelector(s: string): El | null;
  querySelectorAll(s: string): ArrayLike<El>;
}
type InPage = { document: Doc };

/** What `recordTexts` runs in the page with (no DOM lib: the little it touches). */
type Recording = InPage & {
  __texts?: string[];
  MutationObserver: new (fn: () => void) => {
    observe(el: El, o: { childList: boolean; characterData: boolean; subtree: boolean }): void;
  };
};

/**
 * From now on, keeps every text element `testid` shows (a MutationObserver in the page), for
 * `recordedTexts` to read back: a state the page passed through between two polls of `waitFor`
 * leaves no other trace, so a failure message can tell "never changed" from "changed back".
 */
export async function recordTexts(page: Page, testid: string): Promise<void> {
  await page.evaluate((sel) => {
    const g = globalThis as unknown as Recording;
    const el = g.document.querySelector(sel);
    const texts = [el?.textContent?.trim() ?? '(no element)'];
    g.__texts = texts;
    if (el === null) return;
    new g.MutationObserver(() => texts.push(el.textContent?.trim() ?? '')).observe(el, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  }, selector(testid));
}

/** The texts recorded since `recordTexts`, the first being the one shown then. */
export async function recordedTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as Recording).__texts ?? []);
}

export async function text(page: Page, testid: string): Promise<string> {
  return ((await page.textContent(selector(testid))) ?? '').trim();
}

export async function attr(page: Page, testid: string, name: string): Promise<string | null> {
  return page.getAttribute(selector(testid), name);
}

/**
 * Waits until element `testid`'s text (or attribute `attribute`) equals `want`; the error says
 * what it was instead.
 */
export async function waitFor(
  page: Page,
  testid: string,
  want: string,
  o: { attribute?: string; timeoutMs?: number } = {},
): Promise<void> {
  const { attribute, timeoutMs = 10_000 } = o;
  try {
    await page.waitForFunction(
      ([sel, name, value]) => {
        const el = (globalThis as unknown as InPage).document.querySelector(sel!);
        if (el === null) return false;
        const got = name === null ? el.textContent?.trim() : el.getAttribute(name!);
        return got === value;
      },
      [selector(testid), attribute ?? null, want] as const,
      { timeout: timeoutMs, polling: 50 },
    );
  } catch {
    const got =
      attribute === undefined ? await text(page, testid) : await attr(page, testid, attribute);
    const what = attribute === undefined ? testid : `${testid}[${attribute}]`;
    throw new Error(
      `${what}: wanted ${JSON.stringify(want)}, still ${JSON.stringify(got)} after ${timeoutMs} ms`,
    );
  }
}

export async function like(page: Page): Promise<void> {
  await page.click(selector('like-button'));
}

export async function comment(page: Page, words: string): Promise<void> {
  await page.fill(selector('comment-input'), words);
  await page.press(selector('comment-input'), 'Enter');
}

/** Waits until the page lists `n` comments or more. */
export async function commentCount(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    ([sel, min]) => (globalThis as unknown as InPage).document.querySelectorAll(sel).length >= min,
    [`${selector('comment-list')} li`, n] as const,
    { timeout: 10_000, polling: 50 },
  );
}

/** Sets the comment box's value past its maxlength (as a script could) and sends it. */
export async function commentRaw(page: Page, value: string): Promise<void> {
  await page.$eval(
    selector('comment-input'),
    (el, v) => {
      (el as unknown as { value: string }).value = v;
    },
    value,
  );
  await page.press(selector('comment-input'), 'Enter');
}

/** The comments a page shows, as `by: text` lines. */
export async function comments(page: Page): Promise<string[]> {
  return page.$$eval(`${selector('comment-list')} li`, (lis) =>
    lis.map((li) => [...li.children].map((c) => c.textContent).join(': ')),
  );
}
