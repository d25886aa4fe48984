/** Plans every decorated method of a handler class, its inherited handlers included. */
import { readMethodRecords, type ClassType } from '../metadata';
import type { FunctionPlan } from './functionPlan';
import { planMethod } from './methodPlanner';
import type { Problems } from './problems';

/**
 * The plans of the decorated methods of a class and its ancestors, in declaration order, ancestors first; a method
 * with problems has none (its problems are added to `problems`).
 *
 * @param hostBindings - whether the host's Kusto extension runs the Kusto bindings (host mode).
 */
export function planClass(ctor: ClassType, problems: Problems, hostBindings = true): FunctionPlan[] {
  const plans: FunctionPlan[] = [];
  for (const record of readMethodRecords(ctor)) {
    const plan = planMethod(record, ctor, problems, hostBindings);
    if (plan) plans.push(plan);
  }
  return plans;
}
