/**
 * A small structural check of an expanded Adaptive Card against what Teams renders for version
 * 1.5: known element and action types, required properties, allowed enum values, and nothing
 * left of the template (`${…}`, `$data`, `$when`). Returns the problems found, with their paths.
 */

const ELEMENTS = new Set([
  'TextBlock',
  'Image',
  'Media',
  'RichTextBlock',
  'Container',
  'ColumnSet',
  'FactSet',
  'ImageSet',
  'ActionSet',
  'Table',
  'Input.Text',
  'Input.Number',
  'Input.Date',
  'Input.Time',
  'Input.Toggle',
  'Input.ChoiceSet',
]);
const ACTIONS = new Set([
  'Action.OpenUrl',
  'Action.Submit',
  'Action.ShowCard',
  'Action.ToggleVisibility',
  'Action.Execute',
]);

const CONTAINER_STYLES = ['default', 'emphasis', 'good', 'attention', 'warning', 'accent'];
const COLORS = ['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention'];
const SIZES = ['Default', 'Small', 'Medium', 'Large', 'ExtraLarge'];
const WEIGHTS = ['Default', 'Lighter', 'Bolder'];
const SPACINGS = ['None', 'Small', 'Default', 'Medium', 'Large', 'ExtraLarge', 'Padding'];
const ACTION_STYLES = ['default', 'positive', 'destructive'];
const V_ALIGN = ['Top', 'Center', 'Bottom'];

/** Teams drops cards larger than this (bytes of the attachment content). */
const MAX_CARD_BYTES = 28 * 1024;
/** Teams shows at most six top-level buttons before it starts hiding them. */
const MAX_CARD_ACTIONS = 6;

export interface ValidateOptions {
  /** Check a template as written (before expansion): `${…}`, `$data` and `$when` are allowed. */
  template?: boolean;
}

export function validateCard(card: unknown, options: ValidateOptions = {}): string[] {
  const problems: string[] = [];
  const bound = (v: unknown) => options.template === true && typeof v === 'string' && v.includes('${');
  const ids = new Set<string>();
  const fail = (path: string, message: string) => problems.push(`${path}: ${message}`);

  const checkEnum = (
    node: Record<string, unknown>,
    key: string,
    allowed: string[],
    path: string,
    caseInsensitive = true,
  ) => {
    const v = node[key];
    if (v === undefined || bound(v)) return;
    const ok =
      typeof v === 'string' && allowed.some((a) => (caseInsensitive ? a.toLowerCase() === v.toLowerCase() : a === v));
    if (!ok) fail(`${path}.${key}`, `"${String(v)}" is not one of ${allowed.join(', ')}`);
  };

  const checkId = (node: Record<string, unknown>, path: string) => {
    if (node.id === undefined) return;
    if (typeof node.id !== 'string' || !node.id) {
      fail(`${path}.id`, 'must be a non-empty string');
      return;
    }
    if (ids.has(node.id)) fail(`${path}.id`, `duplicate id "${node.id}"`);
    ids.add(node.id);
  };

  const needString = (node: Record<string, unknown>, key: string, path: string) => {
    if (typeof node[key] !== 'string' || (node[key] as string).length === 0)
      fail(`${path}.${key}`, 'is required (non-empty string)');
  };

  const needArray = (node: Record<string, unknown>, key: string, path: string): unknown[] => {
    if (!Array.isArray(node[key])) {
      fail(`${path}.${key}`, 'is required (array)');
      return [];
    }
    return node[key] as unknown[];
  };

  const action = (a: unknown, path: string) => {
    if (!isObject(a)) {
      fail(path, 'action must be an object');
      return;
    }
    const type = a.type;
    if (typeof type !== 'string' || !ACTIONS.has(type)) {
      fail(`${path}.type`, `unknown action type "${String(type)}"`);
      return;
    }
    checkId(a, path);
    checkEnum(a, 'style', ACTION_STYLES, path);
    // Adaptive Cards 1.5 Action.mode: secondary actions go to the overflow (…) menu.
    checkEnum(a, 'mode', ['primary', 'secondary'], path);
    if (type !== 'Action.ToggleVisibility') needString(a, 'title', path);
    if (type === 'Action.OpenUrl') needString(a, 'url', path);
    if (type === 'Action.Execute') needString(a, 'verb', path);
    if (type === 'Action.ShowCard') cardNode(a.card, `${path}.card`, false);
    if (type === 'Action.ToggleVisibility') needArray(a, 'targetElements', path);
    if ((type === 'Action.Execute' || type === 'Action.Submit') && a.data !== undefined && !isObject(a.data))
      fail(`${path}.data`, 'must be an object');
  };

  const element = (e: unknown, path: string) => {
    if (!isObject(e)) {
      fail(path, 'element must be an object');
      return;
    }
    const type = e.type;
    if (typeof type !== 'string' || !ELEMENTS.has(type)) {
      fail(`${path}.type`, `unknown element type "${String(type)}"`);
      return;
    }
    checkId(e, path);
    checkEnum(e, 'spacing', SPACINGS, path);
    checkEnum(e, 'height', ['auto', 'stretch'], path);
    if (e.isVisible !== undefined && typeof e.isVisible !== 'boolean') fail(`${path}.isVisible`, 'must be a boolean');
    if (type.startsWith('Input.')) needString(e, 'id', path);
    switch (type) {
      case 'TextBlock':
        needString(e, 'text', path);
        checkEnum(e, 'color', COLORS, path);
        if (typeof e.color === 'string' && e.color.toLowerCase() === 'warning') {
          fail(
            `${path}.color`,
            'yellow text is hard to read on white: use a warning-styled Container with default text',
          );
        }
        checkEnum(e, 'size', SIZES, path);
        checkEnum(e, 'weight', WEIGHTS, path);
        if (e.wrap !== undefined && typeof e.wrap !== 'boolean') fail(`${path}.wrap`, 'must be a boolean');
        break;
      case 'Image':
        needString(e, 'url', path);
        break;
      case 'Container':
        checkEnum(e, 'style', CONTAINER_STYLES, path);
        checkEnum(e, 'verticalContentAlignment', V_ALIGN, path);
        needArray(e, 'items', path).forEach((c, i) => element(c, `${path}.items[${i}]`));
        break;
      case 'ColumnSet':
        checkEnum(e, 'style', CONTAINER_STYLES, path);
        (Array.isArray(e.columns) ? e.columns : []).forEach((c, i) => column(c, `${path}.columns[${i}]`));
        if (e.columns !== undefined && !Array.isArray(e.columns)) fail(`${path}.columns`, 'must be an array');
        break;
      case 'FactSet':
        needArray(e, 'facts', path).forEach((f, i) => {
          if (!isObject(f) || typeof f.title !== 'string' || typeof f.value !== 'string')
            fail(`${path}.facts[${i}]`, 'a fact needs string title and value');
        });
        break;
      case 'ActionSet':
        needArray(e, 'actions', path).forEach((a, i) => action(a, `${path}.actions[${i}]`));
        break;
      case 'ImageSet':
        needArray(e, 'images', path).forEach((img, i) => element(img, `${path}.images[${i}]`));
        break;
      case 'RichTextBlock':
        needArray(e, 'inlines', path);
        break;
      default:
        break;
    }
    if (e.selectAction !== undefined) action(e.selectAction, `${path}.selectAction`);
  };

  const column = (c: unknown, path: string) => {
    if (!isObject(c) || c.type !== 'Column') {
      fail(path, 'must be a Column');
      return;
    }
    checkId(c, path);
    checkEnum(c, 'style', CONTAINER_STYLES, path);
    checkEnum(c, 'verticalContentAlignment', V_ALIGN, path);
    if (c.width !== undefined && typeof c.width !== 'number' && !/^(auto|stretch|\d+(px)?)$/.test(String(c.width)))
      fail(`${path}.width`, `invalid width "${String(c.width)}"`);
    (Array.isArray(c.items) ? c.items : []).forEach((e, i) => element(e, `${path}.items[${i}]`));
  };

  const cardNode = (node: unknown, path: string, root: boolean) => {
    if (!isObject(node)) {
      fail(path, 'card must be an object');
      return;
    }
    if (node.type !== 'AdaptiveCard') fail(`${path}.type`, 'must be "AdaptiveCard"');
    if (root && node.version !== '1.5')
      fail(`${path}.version`, `must be "1.5" for Universal Actions in Teams, not "${String(node.version)}"`);
    (Array.isArray(node.body) ? node.body : []).forEach((e, i) => element(e, `${path}.body[${i}]`));
    if (node.body !== undefined && !Array.isArray(node.body)) fail(`${path}.body`, 'must be an array');
    const actions = Array.isArray(node.actions) ? node.actions : [];
    actions.forEach((a, i) => action(a, `${path}.actions[${i}]`));
    const primary = actions.filter((a) => !isObject(a) || a.mode !== 'secondary');
    if (primary.length > MAX_CARD_ACTIONS)
      fail(
        `${path}.actions`,
        `${primary.length} buttons; Teams shows at most ${MAX_CARD_ACTIONS} (more go in mode "secondary")`,
      );
    if (root && node.refresh !== undefined) {
      if (!isObject(node.refresh)) fail(`${path}.refresh`, 'must be an object');
      else action(node.refresh.action, `${path}.refresh.action`);
    }
  };

  cardNode(card, '$', true);
  if (!options.template) leftovers(card, '$', fail);
  const bytes = Buffer.byteLength(JSON.stringify(card ?? null));
  if (bytes > MAX_CARD_BYTES) fail('$', `card is ${bytes} bytes; Teams accepts at most ${MAX_CARD_BYTES}`);
  return problems;
}

/** Anything the template engine should have replaced or removed. */
function leftovers(node: unknown, path: string, fail: (path: string, message: string) => void): void {
  if (typeof node === 'string') {
    if (node.includes('${')) fail(path, `unresolved template expression in "${node.slice(0, 60)}"`);
    return;
  }
  if (Array.isArray(node)) return node.forEach((v, i) => leftovers(v, `${path}[${i}]`, fail));
  if (!isObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$data' || k === '$when') fail(`${path}.${k}`, 'template keyword left in the card');
    leftovers(v, `${path}.${k}`, fail);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
