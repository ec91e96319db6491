import { FORMATS, type ReportFormat } from './formats/index.js';

interface Shape {
  /** `{`, `[` or `<` (first significant character). */
  opener: string;
  /** Top-level keys with their primitive values (JSON objects), as far as the head goes. */
  keys: Map<string, unknown>;
  /** Keys of the first element (JSON arrays). */
  firstElementKeys: Set<string>;
  /** The array ends right away. */
  emptyArray: boolean;
  /** Root element name (XML). */
  rootElement?: string;
}

/**
 * Which report format `head` (the first bytes of a report, any length) is, from its content; the
 * file name only breaks ties (an empty JSON array). Returns null when it cannot tell.
 */
export function detectFormat(head: Uint8Array | string, filename = ''): ReportFormat | null {
  const text =
    typeof head === 'string'
      ? head
      : Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
  const shape = readShape(text);
  if (!shape) return null;
  const name = filename.toLowerCase();
  if (shape.opener === '<') {
    const root = shape.rootElement;
    return FORMATS.find((f) => root !== undefined && f.detect.xmlRoots?.includes(root))?.id ?? null;
  }
  if (shape.opener === '{') {
    const k = shape.keys;
    const found =
      FORMATS.find((f) => f.detect.object?.(k)) ?? FORMATS.find((f) => f.detect.byName?.object?.(name));
    return found?.id ?? null;
  }
  // A JSON array (Gitleaks findings, one Checkov report per framework…).
  const e = shape.firstElementKeys;
  const found =
    FORMATS.find((f) => f.detect.arrayElement?.(e)) ??
    (shape.emptyArray ? FORMATS.find((f) => f.detect.byName?.emptyArray?.(name)) : undefined);
  return found?.id ?? null;
}

/** A lenient look at the start of a document: enough structure to tell formats apart. */
function readShape(text: string): Shape | null {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  const opener = text[i];
  if (opener === '<')
    return { opener, keys: new Map(), firstElementKeys: new Set(), emptyArray: false, ...xmlRoot(text, i) };
  if (opener !== '{' && opener !== '[') return null;
  const keys = new Map<string, unknown>();
  const firstElementKeys = new Set<string>();
  let depth = 0;
  let elementDone = false;
  let pendingKey: string | undefined;
  let emptyArray = false;
  const keyDepth = opener === '{' ? 1 : 2;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      if (end === -1) break;
      const raw = text.slice(i, end + 1);
      i = end;
      let j = end + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      let value: string;
      try {
        value = JSON.parse(raw) as string;
      } catch {
        continue;
      }
      if (text[j] === ':' && depth === keyDepth && !elementDone) {
        if (opener === '{') pendingKey = value;
        else firstElementKeys.add(value);
        if (opener === '{') keys.set(value, undefined);
      } else if (pendingKey !== undefined && depth === keyDepth) {
        keys.set(pendingKey, value);
        pendingKey = undefined;
      }
      continue;
    }
    if (c === '{' || c === '[') {
      depth++;
      pendingKey = undefined;
    } else if (c === '}' || c === ']') {
      depth--;
      if (opener === '[' && depth === 1) elementDone = true;
      if (depth === 0) {
        if (opener === '[' && firstElementKeys.size === 0 && !elementDone) emptyArray = true;
        break;
      }
    } else if (pendingKey !== undefined && depth === keyDepth && /[-0-9tfn]/.test(c)) {
      const m = /^-?[0-9.eE+-]+|^true|^false|^null/.exec(text.slice(i, i + 40));
      if (m) {
        try {
          keys.set(pendingKey, JSON.parse(m[0]) as unknown);
        } catch {
          // not a number after all; the key is still known
        }
        i += m[0].length - 1;
      }
      pendingKey = undefined;
    } else if (c === ',') pendingKey = undefined;
  }
  return { opener, keys, firstElementKeys, emptyArray };
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
  }
  return -1;
}

/** Name of the first element, skipping the XML declaration, comments, processing instructions and doctype. */
function xmlRoot(text: string, from: number): { rootElement?: string } {
  const re = /<(\?[\s\S]*?\?>|!--[\s\S]*?-->|![^>]*>|([A-Za-z_][\w.:-]*))/g;
  re.lastIndex = from;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[2]) return { rootElement: m[2].replace(/^.*:/, '') };
  }
  return {};
}
