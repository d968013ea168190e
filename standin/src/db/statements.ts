/**
 * Splits a migration file into the statements the Supabase CLI records for it in
 * `supabase_migrations.schema_migrations.statements` (`supabase db push`, `supabase migration repair`), so a
 * database migrated by the stand-in has the history the CLI would have written.
 *
 * The CLI (checked against 2.117.0) cuts at every `;` that is outside a quoted string or identifier ('…', "…", with
 * doubled quotes inside), a dollar-quoted string ($$…$$, $tag$…$tag$), a line comment, a block comment (nested), a
 * parenthesis or a `BEGIN ATOMIC` body, and after a backslash. Each piece keeps its comments and inner whitespace;
 * trailing semicolons and surrounding whitespace are trimmed and empty pieces dropped. It is a lexer, not a parser,
 * and its shortcuts are kept here because they decide where the CLI cuts:
 *   - a parenthesis ends at the first `)`, whatever the nesting (`select ((1);2)` is cut after `(1)`);
 *   - a `BEGIN ATOMIC` body ends at the first `end` outside quotes, even inside a word (`spend`);
 *   - inside a string, a backslash escapes nothing (E'…\'…' is not understood).
 */
const TAG = /\$[\p{L}\p{Nd}_]*(\$)?/uy;
const BEGIN_ATOMIC = /(?:^|[^\p{L}\p{Nd}_])begin\s+atomic$/iu;

export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let mode: 'ready' | 'quote' | 'dollar' | 'line' | 'block' = 'ready';
  let quote = '';
  let quoteClosing = false; // saw the closing quote, or the first of a doubled one
  let dollarTag = '';
  let blockDepth = 0;
  /** Open parentheses and BEGIN ATOMIC bodies, innermost last: the text that closes each. */
  const wrappers: string[] = [];
  const endsWith = (text: string, i: number) => i + 1 - start >= text.length && sql.slice(i + 1 - text.length, i + 1).toLowerCase() === text;

  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    let ready = false; // the character is read as outside any string or comment
    switch (mode) {
      case 'quote':
        if (quoteClosing) {
          quoteClosing = false;
          ready = ch !== quote; // the string ended at the previous quote
        } else if (ch === quote) {
          quoteClosing = true;
        }
        break;
      case 'dollar':
        if (sql.endsWith(dollarTag, i + 1) && i + 1 - start >= dollarTag.length) mode = 'ready';
        break;
      case 'line':
        if (ch === '\n') mode = 'ready';
        break;
      case 'block':
        if (sql.startsWith('/*', i - 1)) blockDepth++;
        else if (sql.startsWith('*/', i - 1) && --blockDepth === 0) mode = 'ready';
        break;
      case 'ready':
        ready = true;
        break;
    }
    let opened = false; // a parenthesis, a body or a dollar tag starts here
    if (ready) {
      mode = 'ready';
      const next = sql[i + 1];
      if (ch === "'" || ch === '"') {
        mode = 'quote';
        quote = ch;
      } else if (ch === '$') {
        TAG.lastIndex = i;
        const [tag, closed] = TAG.exec(sql)!;
        if (closed) {
          mode = 'dollar';
          dollarTag = tag;
        }
        i += tag.length - 1; // what follows an unclosed tag is read again
        opened = true;
      } else if (ch === '-' && next === '-') {
        mode = 'line';
        i++;
      } else if (ch === '/' && next === '*') {
        mode = 'block';
        blockDepth = 1;
        i++;
      } else if (ch === '\\') {
        i++;
      } else if (ch === ';' && wrappers.length === 0) {
        const piece = sql.slice(start, i + 1).replace(/;+$/, '').trim();
        if (piece) statements.push(piece);
        start = i + 1;
        continue;
      } else if (ch === '(') {
        wrappers.push(')');
        opened = true;
      } else if ((ch === 'c' || ch === 'C') && endsWith('atomic', i) && BEGIN_ATOMIC.test(sql.slice(start, i + 1))) {
        wrappers.push('end');
        opened = true;
      }
    }
    // an inner parenthesis or body that closes here may close the enclosing ones with the same text
    if (mode === 'ready' && !opened) while (wrappers.length > 0 && endsWith(wrappers.at(-1)!, i)) wrappers.pop();
  }
  const last = sql.slice(start).replace(/;+$/, '').trim();
  if (last) statements.push(last);
  return statements;
}
