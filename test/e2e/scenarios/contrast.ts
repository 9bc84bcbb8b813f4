import type { Page } from 'playwright-core';
import { newestCard, showCardTop } from '../cards';
import type { Scenario } from '../scenario';

/**
 * Every text on the cards on screen, measured as drawn: its colour against the background
 * behind it, by WCAG 2's contrast ratio. AA asks 4.5:1 of body text and 3:1 of large text
 * (24 px, or 18.66 px bold). Measured three ways: as the Playground draws cards, with the browser
 * asking for a dark colour scheme, and with forced colours (Windows high contrast). The
 * Playground draws cards with one palette (Web Chat's); Teams' own dark and high-contrast
 * palettes can't be drawn offline, and test/cards/contrast.test.ts holds every card to the rule
 * those palettes keep: coloured bands carry default text.
 */
// Run in the page: the browser's globals, typed loosely (this project compiles without the DOM library).
declare const document: { querySelectorAll(selector: string): Iterable<PageElement> };
declare function getComputedStyle(el: PageElement): {
  color: string;
  backgroundColor: string;
  fontSize: string;
  fontWeight: string;
};
interface PageElement {
  textContent: string | null;
  parentElement: PageElement | null;
  getClientRects(): { length: number };
}

interface Unreadable {
  text: string;
  ratio: number;
  needed: number;
  color: string;
  background: string;
}

async function unreadableTexts(page: Page): Promise<{ measured: number; unreadable: Unreadable[] }> {
  // The test's loader names inner functions through a helper the page doesn't have: give it one.
  await page.evaluate('globalThis.__name ??= (fn) => fn');
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (css: string): Rgba => {
      const m = css.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const [r, g, b, a] = m[1]
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [r, g, b, a ?? 1];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3];
      return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1) as Rgba;
    };
    // The background drawn behind an element: its own and its ancestors', blended down to the page.
    const backgroundOf = (el: PageElement): Rgba => {
      const layers: Rgba[] = [];
      for (let e: PageElement | null = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1] as Rgba);
    };
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const ratioOf = (a: Rgba, b: Rgba) => {
      const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (l1 + 0.05) / (l2 + 0.05);
    };
    const texts = [...document.querySelectorAll('.ac-adaptiveCard .ac-textBlock, .ac-adaptiveCard .ac-textRun')];
    const unreadable: Unreadable[] = [];
    let measured = 0;
    for (const el of texts) {
      const text = (el.textContent ?? '').trim();
      if (!text || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      const background = backgroundOf(el);
      const color = over(parse(style.color), background);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const needed = large ? 3 : 4.5;
      const ratio = ratioOf(color, background);
      measured++;
      if (ratio < needed)
        unreadable.push({ text: text.slice(0, 60), ratio, needed, color: style.color, background: `${background}` });
    }
    return { measured, unreadable };
  });
}

/** Fails with every text under AA, naming the theme it was measured in. */
async function expectReadable(page: Page, theme: string): Promise<void> {
  const { measured, unreadable } = await unreadableTexts(page);
  // Measuring nothing would pass anything.
  if (measured < 20) throw new Error(`only ${measured} card texts on screen to measure in the ${theme} theme`);
  if (unreadable.length > 0)
    throw new Error(
      `${unreadable.length} of ${measured} card texts under WCAG AA in the ${theme} theme:\n` +
        unreadable
          .map(
            (u) => `  "${u.text}" ${u.ratio.toFixed(2)}:1 (needs ${u.needed}:1), ${u.color} on rgba(${u.background})`,
          )
          .join('\n'),
    );
}

/**
 * A device in lost mode (attention band and note), a refusal (warning band), a status card and
 * the sandbox band on every card: all readable as drawn, in light, dark and forced colours.
 */
export const readableInEveryTheme: Scenario = {
  name: 'readable in light, dark and high contrast',
  async run(t) {
    // The lost-mode scenario leaves PFRKWGUN in lost mode; run alone, this puts it there.
    await t.sendMessage('find PFRKWGUN');
    await t.waitForCardText('Read from Google Admin', 15_000);
    const deviceCard = newestCard(t.page, 'Read from Google Admin');
    if (!((await deviceCard.textContent()) ?? '').includes('Lost mode is on')) {
      await t.sendMessage('lost mode on PFRKWGUN');
      await t.clickButton('Confirm lost mode');
      await t.waitForCardText('PFRKWGUN: lost mode is on', 45_000);
      await t.sendMessage('find PFRKWGUN');
      await t.waitForCardText('Lost mode is on', 15_000);
    }
    await t.sendMessage('lost mode on PFRKWGUN');
    await t.waitForCardText('already on', 15_000);
    await t.sendMessage('find devices of adelev@example.com');
    await t.waitForCardText('by user', 15_000);
    await showCardTop(t.page, 'Lost mode is on');
    try {
      await expectReadable(t.page, 'light');
      await t.screenshot('contrast-light');
      await t.page.emulateMedia({ colorScheme: 'dark' });
      await expectReadable(t.page, 'dark');
      await t.screenshot('contrast-dark');
      await t.page.emulateMedia({ colorScheme: 'light', forcedColors: 'active' });
      await expectReadable(t.page, 'high-contrast');
      await t.screenshot('contrast-high-contrast');
    } finally {
      await t.page.emulateMedia({ colorScheme: 'light', forcedColors: 'none' });
    }
  },
};
