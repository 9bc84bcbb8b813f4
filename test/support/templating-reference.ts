/**
 * adaptivecards-templating, the reference the cards' compiled templates are held to
 * (bot/cards/template.ts): the same templates, expanded by the library itself.
 */
import * as AEL from 'adaptive-expressions';
import { Template } from 'adaptivecards-templating';
import { BIND_FUNCTION, markdownOf } from '../../bot/cards/markdown';

// The library looks functions up among adaptive-expressions' standard ones only (not
// `Expression.functions`' custom table), so the escape the templates call is added there.
(AEL.ExpressionFunctions.standardFunctions as Map<string, AEL.ExpressionEvaluator>).set(
  BIND_FUNCTION,
  new AEL.ExpressionEvaluator(
    BIND_FUNCTION,
    AEL.FunctionUtils.apply((args: unknown[]) => markdownOf(args[0])),
    AEL.ReturnType.String,
  ),
);

/** The template expanded by the library, with `data` as its root. */
export function referenceExpand(template: object, data: object): unknown {
  return new Template(template).expand({ $root: data });
}
