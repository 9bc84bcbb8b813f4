import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { factsCard } from '../../bot/cards/facts-card';
import { escapeMarkdown, markup } from '../../bot/cards/markdown';
import { messageCard } from '../../bot/cards/message-card';
import { escapeBoundText } from '../../bot/cards/render';
import { cardMarkdown, cardText } from '../support/connector';

const HOSTILE = '[click](https://evil.example) **bold** <at>Megan</at> ${$root.secret} _i_ ~s~ `c` \\';
const view = { sandbox: false };

/** No live Markdown: every special character in the text is escaped. */
function expectInert(markdown: string): void {
  expect(markdown).not.toMatch(/(^|[^\\])\[click\]/);
  expect(markdown).not.toMatch(/(^|[^\\])\*\*bold/);
  expect(markdown).not.toMatch(/(^|[^\\])<at>/);
  expect(markdown).not.toMatch(/(^|[^\\])_i/);
}

describe('card text is escaped for Markdown in one place', () => {
  it('escapes what Teams would act on, and shows it back as typed', () => {
    const escaped = escapeMarkdown(HOSTILE);
    expectInert(escaped);
    expect(escaped.replace(/\\(.)/g, '$1')).toBe(HOSTILE);
    expect(escapeMarkdown('- item\n+ more\n12. twelve')).toBe('\\- item\n\\+ more\n12\\. twelve');
    expect(escapeMarkdown('Room 12 - North (2nd floor)')).toBe('Room 12 - North (2nd floor)');
  });

  it('keeps the bot’s own Markdown and escapes what it quotes', () => {
    expect(markup`**${HOSTILE}** · ${markup`_${'a_b'}_`}`.__md).toBe(`**${escapeMarkdown(HOSTILE)}** · _a\\_b_`);
  });

  it('wraps every binding of every Markdown text in every template of cards/', () => {
    const dir = join(__dirname, '../../cards');
    for (const file of readdirSync(dir)) {
      const escaped = escapeBoundText(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      const unwrapped: string[] = [];
      const walk = (node: any, markdownKeys: string[]): void => {
        if (Array.isArray(node)) return node.forEach((n) => walk(n, markdownKeys));
        if (!node || typeof node !== 'object') return;
        const own = node.type === 'TextBlock' ? ['text'] : markdownKeys;
        for (const [key, value] of Object.entries(node)) {
          if (typeof value === 'string' && own.includes(key))
            unwrapped.push(...(value.match(/\$\{(?!cardText\()[^}]*\}/g) ?? []).map((b) => `${file}: ${b}`));
          else walk(value, key === 'facts' ? ['title', 'value'] : []);
        }
      };
      walk(escaped, []);
      expect(unwrapped).toEqual([]);
    }
  });

  it('a hostile value in a text, a fact or a list line comes out inert, and is not evaluated as a template', () => {
    const card = factsCard(
      {
        title: HOSTILE,
        subtitle: HOSTILE,
        facts: [{ title: 'Where', value: HOSTILE }],
        sections: [{ heading: HOSTILE, lines: [HOSTILE, markup`**kept** ${HOSTILE}`] }],
        footer: HOSTILE,
      },
      view,
    );
    const sent = cardMarkdown(card);
    expectInert(sent.replace('**kept**', ''));
    expect(sent).toContain('**kept**');
    expect(cardText(card).split(HOSTILE).length - 1).toBeGreaterThanOrEqual(6);
    expect(sent).not.toContain('undefined');
    const message = messageCard({ title: 'Refused', text: HOSTILE, hint: HOSTILE, reference: HOSTILE }, view);
    expectInert(cardMarkdown(message));
    expect(cardText(message)).toContain(HOSTILE);
  });
});
