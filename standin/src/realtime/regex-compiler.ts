/**
 * Compiles a regex syntax tree (regex-parser.ts) into a Thompson-NFA program: `class` consumes one character
 * in a set, `split` forks two threads, `jmp` continues elsewhere, `bol`/`eol` assert a position. Repetition
 * counts are expanded into copies, so the program's size, capped at MAX_REGEX_PROGRAM, bounds the search cost.
 *
 *   a+b  →  0: class a   1: split 2, 4   2: class a   3: jmp 1   4: class b   5: match
 */
import { RegexError, type CharClass, type Node } from './regex-parser.ts';

/** Regex programs larger than this (after expanding `{n,m}`) are refused: each text character may visit every instruction. */
export const MAX_REGEX_PROGRAM = 1000;

export type Instr =
  | { op: 'class'; cls: CharClass }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'bol' }
  | { op: 'eol' }
  | { op: 'match' };

/** The program for a syntax tree, ending in `match`; throws RegexError when it exceeds MAX_REGEX_PROGRAM. */
export function compileProgram(ast: Node): Instr[] {
  const compiler = new Compiler();
  compiler.node(ast);
  compiler.emit({ op: 'match' });
  return compiler.prog;
}

class Compiler {
  readonly prog: Instr[] = [];

  emit(instr: Instr): number {
    if (this.prog.length >= MAX_REGEX_PROGRAM) throw new RegexError(`the pattern is too complex (more than ${MAX_REGEX_PROGRAM} steps)`);
    this.prog.push(instr);
    return this.prog.length - 1;
  }

  /** Emits a split whose targets are patched later. */
  split(): { x: number; y: number } {
    return this.prog[this.emit({ op: 'split', x: 0, y: 0 })] as { x: number; y: number };
  }

  node(n: Node): void {
    if (n.t === 'class') this.emit({ op: 'class', cls: n.cls });
    else if (n.t === 'bol' || n.t === 'eol') this.emit({ op: n.t });
    else if (n.t === 'cat') for (const item of n.items) this.node(item);
    else if (n.t === 'alt') this.alternation(n.items);
    else if (n.t === 'repeat') this.repeat(n.node, n.min, n.max);
  }

  /** split L1, L2; L1: first; jmp end; L2: split … ; last; end: */
  alternation(items: Node[]): void {
    const jumps: Array<{ x: number }> = [];
    items.forEach((item, k) => {
      if (k === items.length - 1) return this.node(item);
      const split = this.split();
      split.x = this.prog.length;
      this.node(item);
      jumps.push(this.prog[this.emit({ op: 'jmp', x: 0 })] as { x: number });
      split.y = this.prog.length;
    });
    for (const j of jumps) j.x = this.prog.length;
  }

  repeat(body: Node, min: number, max: number): void {
    for (let k = 0; k < min; k++) this.node(body);
    if (max === Infinity) {
      // L: split body, end; body; jmp L; end:
      const at = this.prog.length;
      const split = this.split();
      split.x = this.prog.length;
      this.node(body);
      this.emit({ op: 'jmp', x: at });
      split.y = this.prog.length;
      return;
    }
    // optional copies, each able to skip to the end: (x(x(x)?)?)?
    const splits: Array<{ x: number; y: number }> = [];
    for (let k = min; k < max; k++) {
      const split = this.split();
      split.x = this.prog.length;
      splits.push(split);
      this.node(body);
    }
    for (const s of splits) s.y = this.prog.length;
  }
}
