// The extraction check behind literals.test.ts: finds words a component would show a
// person without going through a catalogue. It parses each .tsx file with the TypeScript
// compiler and reports
//   - JSX text with a letter in it ("<p>Loading</p>"),
//   - string and template literals with a letter that a JSX child expression renders
//     ("{busy ? 'Undoing…' : 'Undo'}"),
//   - string and template literals with a letter in a user-visible attribute or prop
//     (aria-label, title, placeholder, alt, label, ...), whatever the element.
// The text of a <style> element is CSS. A literal passed to a function call is not reported: that is a key (t('undo')), an
// argument (names.join(', ')) or a class name helper, never words on the screen by itself.
import ts from 'typescript';

/** Attributes and props whose value is read or heard by a person. */
export const VISIBLE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'aria-label',
  'aria-roledescription',
  'aria-description',
  'aria-valuetext',
  'aria-placeholder',
  'title',
  'placeholder',
  'alt',
  'label',
  'question',
  'confirmLabel',
  'heading',
  'hint',
  'text',
  'legend',
  'caption',
]);

/** Text that is no language: symbols, figures and punctuation only. */
const LETTER = /\p{L}/u;

export interface Literal {
  file: string;
  line: number;
  text: string;
  kind: 'jsx-text' | 'child-expression' | 'attribute';
}

function textOf(node: ts.Node, source: ts.SourceFile): string {
  return node.getText(source).replace(/\s+/g, ' ').trim();
}

/** Letters in a literal's own text (a template's placeholders do not count). */
function literalWords(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return LETTER.test(node.text) ? node.text : null;
  if (ts.isTemplateExpression(node)) {
    const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
    return parts.some((p) => LETTER.test(p)) ? parts.join('…') : null;
  }
  return null;
}

/** Every literal with letters inside an expression, except those passed to a call. */
function wordsIn(expr: ts.Node, found: (node: ts.Node, text: string) => void): void {
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      // The callee may itself hold words (`cond ? a : b`), its arguments are not rendered.
      visit(node.expression);
      return;
    }
    if (ts.isTaggedTemplateExpression(node)) return;
    // JSX inside the expression is visited as JSX by the caller's walk.
    if (ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node)) return;
    // `a === 'x'`: a comparison, not a text.
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (
        op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
        op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
        op === ts.SyntaxKind.EqualsEqualsToken ||
        op === ts.SyntaxKind.ExclamationEqualsToken
      ) {
        return;
      }
    }
    // `x ? a : b`: only the branches are shown.
    if (ts.isConditionalExpression(node)) {
      visit(node.whenTrue);
      visit(node.whenFalse);
      return;
    }
    if (ts.isElementAccessExpression(node)) {
      visit(node.expression);
      return;
    }
    const words = literalWords(node);
    if (words !== null) {
      found(node, words);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(expr);
}

/** The untranslated literals of one .tsx source. */
export function findLiterals(file: string, text: string): Literal[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const out: Literal[] = [];
  const add = (node: ts.Node, words: string, kind: Literal['kind']) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    out.push({ file, line: line + 1, text: words, kind });
  };
  const visit = (node: ts.Node): void => {
    // A <style> element holds CSS, not words.
    if (ts.isJsxElement(node) && node.openingElement.tagName.getText(source) === 'style') return;
    if (ts.isJsxText(node)) {
      const t = node.text.replace(/\s+/g, ' ').trim();
      if (LETTER.test(t)) add(node, t, 'jsx-text');
    } else if (ts.isJsxExpression(node) && node.expression) {
      const parent = node.parent;
      if (ts.isJsxAttribute(parent)) {
        const name = parent.name.getText(source);
        if (VISIBLE_ATTRIBUTES.has(name)) wordsIn(node.expression, (n, w) => add(n, w, 'attribute'));
      } else if (ts.isJsxElement(parent) || ts.isJsxFragment(parent)) {
        wordsIn(node.expression, (n, w) => add(n, w, 'child-expression'));
      }
    } else if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer)) {
      const name = node.name.getText(source);
      if (VISIBLE_ATTRIBUTES.has(name) && LETTER.test(node.initializer.text)) add(node, textOf(node.initializer, source), 'attribute');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}
