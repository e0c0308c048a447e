// Skill matching with requirements that widen while the caller waits. The queue's and the caller's
// requirements are merged (the higher minimum wins), then every widening step already reached caps
// the minimums and drops skills, so a caller nobody matched at 0 s finds an agent at 60 s.
import type { SkillRequirement, WideningStep } from './types.js';

/** the requirements in force after `waitedMs` */
export function effectiveRequirements(o: { queue: readonly SkillRequirement[]; caller: readonly SkillRequirement[]; widening: readonly WideningStep[]; waitedMs: number }): SkillRequirement[] {
  const merged = new Map<string, number>();
  for (const r of [...o.queue, ...o.caller]) merged.set(r.skill, Math.max(merged.get(r.skill) ?? 0, r.minLevel));
  for (const step of o.widening) {
    if (step.afterS * 1000 > o.waitedMs) continue;
    for (const skill of step.drop ?? []) merged.delete(skill);
    if (step.maxMinLevel !== undefined) for (const [skill, min] of merged) merged.set(skill, Math.min(min, step.maxMinLevel));
  }
  return [...merged].map(([skill, minLevel]) => ({ skill, minLevel }));
}

/** the first requirement the agent falls short of, as a reason ("spanish 30 < 50"), or null when it matches */
export function shortfall(skills: Readonly<Record<string, number>>, requirements: readonly SkillRequirement[]): string | null {
  for (const r of requirements) {
    const level = skills[r.skill] ?? 0;
    if (level < r.minLevel) return `${r.skill} ${level} < ${r.minLevel}`;
  }
  return null;
}

/** when (ms after joining) the requirements next change, or null when they no longer will */
export function nextWidening(widening: readonly WideningStep[], waitedMs: number): number | null {
  let next: number | null = null;
  for (const step of widening) {
    const at = step.afterS * 1000;
    if (at > waitedMs && (next === null || at < next)) next = at;
  }
  return next;
}
