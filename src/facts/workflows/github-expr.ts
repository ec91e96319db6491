/**
 * Just enough of the GitHub Actions expression language to answer two questions without running
 * anything: which `${{ }}` spans a string holds, and on which events an `if:` can be true.
 * Evaluation is three-valued: anything but `github.event_name` is unknown.
 */

export interface ExpressionSpan {
  /** The text between `${{` and `}}`, trimmed. */
  expr: string;
  /** Offset of `${{` in the string. */
  start: number;
  /** Offset just after `}}`. */
  end: number;
}

/** Every `${{ … }}` in a string, in order. */
export function findExpressions(text: string): ExpressionSpan[] {
  const out: ExpressionSpan[] = [];
  let i = text.indexOf('${{');
  while (i >= 0) {
    const close = closingBraces(text, i + 3);
    if (close < 0) break;
    out.push({ expr: text.slice(i + 3, close).trim(), start: i, end: close + 2 });
    i = text.indexOf('${{', close + 2);
  }
  return out;
}

// `}}` inside a quoted string literal does not close the expression.
function closingBraces(text: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length - 1; i++) {
    if (text[i] === "'") quoted = !quoted;
    else if (!quoted && text[i] === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}

const SECRET_DOT = /\bsecrets\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)/gi;
const SECRET_INDEX = /\bsecrets\s*\[\s*'([^']+)'\s*\]/gi;

/** Names of secrets an expression refers to (`secrets.X`, `secrets['X']`). */
export function secretRefs(expr: string): string[] {
  const names: string[] = [];
  for (const m of expr.matchAll(SECRET_DOT)) names.push(m[1] as string);
  for (const m of expr.matchAll(SECRET_INDEX)) names.push(m[1] as string);
  return names;
}

/** The expression of an `if:` value: bare text, or one `${{ }}` wrapping all of it. */
export function conditionExpression(condition: string): string | undefined {
  const t = condition.trim();
  const spans = findExpressions(t);
  if (spans.length === 0) return t;
  const only = spans[0];
  if (spans.length === 1 && only && only.start === 0 && only.end === t.length) return only.expr;
  // Text around an expression makes the whole value a non-empty string: always true.
  return undefined;
}

/**
 * The subset of `events` on which `condition` can be true, or undefined when the condition does
 * not restrict events (or cannot be read).
 */
export function eventsAllowedBy(
  condition: string | undefined,
  events: readonly string[],
): string[] | undefined {
  if (condition === undefined || !/event_name/i.test(condition)) return undefined;
  const expr = conditionExpression(condition);
  if (expr === undefined) return undefined;
  let ast: Ast;
  try {
    ast = new Parser(tokenize(expr)).parseAll();
  } catch {
    return undefined;
  }
  const allowed = events.filter((e) => {
    const v = evaluate(ast, e);
    return v === UNKNOWN || truthy(v);
  });
  return allowed.length === events.length ? undefined : allowed;
}

// ---------------------------------------------------------------- tokens

type Token =
  { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string };

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '[', ']', ',', '.', '*'];

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= s.length) throw new Error('unterminated string');
        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += s[i];
        i++;
      }
      out.push({ t: 'str', v });
      continue;
    }
    const num = /^(?:0x[0-9a-f]+|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/i.exec(s.slice(i));
    if (num && !(out.at(-1)?.t === 'op' && out.at(-1)?.v === '.')) {
      out.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(s.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (!op) throw new Error(`unexpected ${c}`);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

// ---------------------------------------------------------------- parser

type Ast =
  | { t: 'lit'; v: unknown }
  | { t: 'ctx'; path: string[] }
  | { t: 'call'; name: string; args: Ast[] }
  | { t: 'not'; e: Ast }
  | { t: 'and' | 'or'; l: Ast; r: Ast }
  | { t: 'cmp'; op: string; l: Ast; r: Ast };

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  parseAll(): Ast {
    const e = this.or();
    if (this.i !== this.toks.length) throw new Error('trailing tokens');
    return e;
  }

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t?.t === 'op' && t.v === v;
  }

  private expect(v: string): void {
    if (!this.isOp(v)) throw new Error(`expected ${v}`);
    this.i++;
  }

  private or(): Ast {
    let l = this.and();
    while (this.isOp('||')) {
      this.i++;
      l = { t: 'or', l, r: this.and() };
    }
    return l;
  }

  private and(): Ast {
    let l = this.equality();
    while (this.isOp('&&')) {
      this.i++;
      l = { t: 'and', l, r: this.equality() };
    }
    return l;
  }

  private equality(): Ast {
    let l = this.relational();
    while (this.isOp('==') || this.isOp('!=')) {
      const op = (this.toks[this.i++] as Token).v as string;
      l = { t: 'cmp', op, l, r: this.relational() };
    }
    return l;
  }

  private relational(): Ast {
    let l = this.unary();
    while (this.isOp('<') || this.isOp('>') || this.isOp('<=') || this.isOp('>=')) {
      const op = (this.toks[this.i++] as Token).v as string;
      l = { t: 'cmp', op, l, r: this.unary() };
    }
    return l;
  }

  private unary(): Ast {
    if (this.isOp('!')) {
      this.i++;
      return { t: 'not', e: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private primary(): Ast {
    const t = this.toks[this.i++];
    if (!t) throw new Error('unexpected end');
    if (t.t === 'str' || t.t === 'num') return { t: 'lit', v: t.v };
    if (t.t === 'op' && t.v === '(') {
      const e = this.or();
      this.expect(')');
      return e;
    }
    if (t.t === 'id') {
      const name = t.v.toLowerCase();
      if (name === 'true' || name === 'false') return { t: 'lit', v: name === 'true' };
      if (name === 'null') return { t: 'lit', v: null };
      if (this.isOp('(')) {
        this.i++;
        const args: Ast[] = [];
        if (!this.isOp(')')) {
          args.push(this.or());
          while (this.isOp(',')) {
            this.i++;
            args.push(this.or());
          }
        }
        this.expect(')');
        return { t: 'call', name, args };
      }
      return { t: 'ctx', path: [name] };
    }
    throw new Error('unexpected token');
  }

  private postfix(base: Ast): Ast {
    let node = base;
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        const t = this.toks[this.i++];
        const seg = t?.t === 'id' ? t.v.toLowerCase() : t?.t === 'op' && t.v === '*' ? '*' : undefined;
        if (seg === undefined) throw new Error('bad property');
        node = node.t === 'ctx' ? { t: 'ctx', path: [...node.path, seg] } : { t: 'lit', v: UNKNOWN };
      } else if (this.isOp('[')) {
        this.i++;
        const idx = this.isOp('*') ? (this.i++, { t: 'lit' as const, v: '*' }) : this.or();
        this.expect(']');
        const seg = idx.t === 'lit' && (typeof idx.v === 'string' || typeof idx.v === 'number') ? idx.v : '*';
        node = node.t === 'ctx' ? { t: 'ctx', path: [...node.path, String(seg).toLowerCase()] } : node;
      } else return node;
    }
  }
}

// ---------------------------------------------------------------- evaluation

const UNKNOWN = Symbol('unknown');
type Value = unknown;

function truthy(v: Value): boolean {
  return !(v === false || v === 0 || v === '' || v === null || v === undefined || Number.isNaN(v));
}

function evaluate(ast: Ast, eventName: string): Value {
  switch (ast.t) {
    case 'lit':
      return ast.v;
    case 'ctx':
      return ast.path.length === 2 && ast.path[0] === 'github' && ast.path[1] === 'event_name'
        ? eventName
        : UNKNOWN;
    case 'not': {
      const v = evaluate(ast.e, eventName);
      return v === UNKNOWN ? UNKNOWN : !truthy(v);
    }
    case 'and': {
      const l = evaluate(ast.l, eventName);
      if (l !== UNKNOWN && !truthy(l)) return l;
      const r = evaluate(ast.r, eventName);
      if (l !== UNKNOWN) return r;
      return r !== UNKNOWN && !truthy(r) ? false : UNKNOWN;
    }
    case 'or': {
      const l = evaluate(ast.l, eventName);
      if (l !== UNKNOWN && truthy(l)) return l;
      const r = evaluate(ast.r, eventName);
      if (l !== UNKNOWN) return r;
      return r !== UNKNOWN && truthy(r) ? true : UNKNOWN;
    }
    case 'cmp': {
      const l = evaluate(ast.l, eventName);
      const r = evaluate(ast.r, eventName);
      if (l === UNKNOWN || r === UNKNOWN) return UNKNOWN;
      return compare(ast.op, l, r);
    }
    case 'call':
      return call(
        ast.name,
        ast.args.map((a) => evaluate(a, eventName)),
      );
  }
}

function compare(op: string, l: Value, r: Value): boolean {
  if (op === '==' || op === '!=') {
    const eq =
      typeof l === 'string' && typeof r === 'string'
        ? l.toLowerCase() === r.toLowerCase()
        : typeof l === typeof r
          ? l === r
          : toNumber(l) === toNumber(r);
    return op === '==' ? eq : !eq;
  }
  const a = toNumber(l);
  const b = toNumber(r);
  return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
}

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

const lower = (v: Value): string => String(v).toLowerCase();

function call(name: string, args: Value[]): Value {
  if (name === 'always') return true;
  if (args.some((a) => a === UNKNOWN)) return UNKNOWN;
  const [a, b] = args;
  switch (name) {
    case 'contains':
      if (Array.isArray(a)) return a.some((x) => compare('==', x, b));
      return lower(a).includes(lower(b));
    case 'startswith':
      return lower(a).startsWith(lower(b));
    case 'endswith':
      return lower(a).endsWith(lower(b));
    case 'fromjson':
      try {
        return JSON.parse(String(a));
      } catch {
        return UNKNOWN;
      }
    default:
      // success(), failure(), cancelled(), hashFiles(), format()…: not about events.
      return UNKNOWN;
  }
}
