export {
  type CompareOp,
  type Expr,
  type FunctionName,
  type Ref,
  refsOf,
  refText,
  type Value,
} from './ast.js';
export { type Evaluated, evaluate, type Looked, type Lookup, truthy, valueText } from './evaluate.js';
export { type ExprError, MAX_EXPRESSION_LENGTH, MAX_TOKENS, type Token, tokenize } from './lexer.js';
export { EXPR_NAMESPACES, FUNCTIONS, MAX_DEPTH, OUTPUT_NAME, parseExpression, STEP_PROPS } from './parser.js';
