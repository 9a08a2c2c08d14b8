/**
 * Topic permission patterns (PROTOCOL.md §6), compiled once per token into a matcher.
 *
 * A pattern is a topic name (`news`), a prefix ending in `*` (`live:*`; `*` alone is every
 * topic), and may contain `{sub}`, replaced by the token's `sub` (`inbox:{sub}`).
 *
 *   patterns + sub --validate--> substitute {sub} --> exact names (Set) + prefixes (array)
 *
 * `allows` runs for every `sub`/`pub`, so it is a Set lookup plus `startsWith` over the few
 * prefixes: no regex, no allocation. Whether a pattern is a prefix is decided from the pattern
 * as written, before substitution, so a `sub` of `*` never turns `inbox:{sub}` into a wildcard:
 * it becomes the literal name `inbox:*`, which no valid topic equals.
 */
import { isValidTopic, MAX_TOPIC_BYTES } from '../protocol/topic';
import { PatternError } from './errors';

/** More patterns than this in one claim is a broken (or hostile) token, not a real grant. */
export const MAX_PATTERNS = 256;
/** Longest pattern, as written (before `{sub}` is substituted). */
export const MAX_PATTERN_BYTES = 256;

const SUB = '{sub}';
const WILDCARD = '*';

export interface TopicMatcher {
  allows(topic: string): boolean;
}

class CompiledMatcher implements TopicMatcher {
  constructor(
    private readonly everything: boolean,
    private readonly exact: ReadonlySet<string>,
    private readonly prefixes: readonly string[],
  ) {}

  allows(topic: string): boolean {
    if (this.everything || this.exact.has(topic)) return true;
    const prefixes = this.prefixes;
    for (let i = 0; i < prefixes.length; i++) {
      if (topic.startsWith(prefixes[i])) return true;
    }
    return false;
  }
}

/** Allows no topic: what an absent claim compiles to. */
export const DENY_ALL: TopicMatcher = new CompiledMatcher(false, new Set(), []);
/** Allows every topic: what no auth at all means. */
export const ALLOW_ALL: TopicMatcher = new CompiledMatcher(true, new Set(), []);

/**
 * Compiles a claim's patterns for the member `sub`. Throws PatternError naming the first bad
 * pattern by its index (the pattern itself is quoted only when it is short and printable).
 */
export function compilePatterns(patterns: unknown, sub: string): TopicMatcher {
  if (!Array.isArray(patterns)) throw new PatternError('patterns must be an array of strings');
  if (patterns.length > MAX_PATTERNS) {
    throw new PatternError(`at most ${MAX_PATTERNS} patterns, got ${patterns.length}`);
  }
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (let i = 0; i < patterns.length; i++) {
    const pattern: unknown = patterns[i];
    checkPattern(pattern, i);
    const wildcard = pattern.endsWith(WILDCARD);
    const template = wildcard ? pattern.slice(0, -1) : pattern;
    // split/join rather than replaceAll: a `sub` holding `$&` must stay literal text.
    const value = template.includes(SUB) ? template.split(SUB).join(sub) : template;
    if (!wildcard) exact.add(value);
    else if (value === '') return ALLOW_ALL;
    else prefixes.push(value);
  }
  return new CompiledMatcher(false, exact, minimalPrefixes(prefixes));
}

function checkPattern(pattern: unknown, index: number): asserts pattern is string {
  const where = `pattern #${index}`;
  if (typeof pattern !== 'string') throw new PatternError(`${where} is not a string`);
  if (pattern === '') throw new PatternError(`${where} is empty`);
  // UTF-16 length <= UTF-8 length, and anything non-ASCII fails the character check below.
  if (pattern.length > MAX_PATTERN_BYTES) {
    throw new PatternError(`${where} is over ${MAX_PATTERN_BYTES} bytes`);
  }
  const body = pattern.endsWith(WILDCARD) ? pattern.slice(0, -1) : pattern;
  if (body.includes(WILDCARD)) {
    throw new PatternError(`${where}${quote(pattern)} has a '*' that is not at its end`);
  }
  const literal = body.split(SUB).join('');
  if (literal !== '' && !isValidTopic(literal)) {
    throw new PatternError(
      `${where}${quote(pattern)} must be topic characters (A-Z a-z 0-9 _ - . : / @, at most ` +
        `${MAX_TOPIC_BYTES}) with optional {sub} placeholders and a final '*'`,
    );
  }
}

/** Drops prefixes that a shorter kept prefix already covers (`live:*` covers `live:a:*`). */
function minimalPrefixes(prefixes: string[]): string[] {
  const kept: string[] = [];
  for (const p of [...new Set(prefixes)].sort((a, b) => a.length - b.length)) {
    if (!kept.some((k) => p.startsWith(k))) kept.push(p);
  }
  return kept;
}

function quote(pattern: string): string {
  return /^[\x20-\x7e]{1,64}$/.test(pattern) ? ` ${JSON.stringify(pattern)}` : '';
}
