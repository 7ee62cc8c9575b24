package dev.kyanite.server.rules;

import java.util.List;

/** A rule or filter that cannot be compiled; {@link #problems()} says where and why (never empty). */
public final class InvalidRuleException extends Exception {
  private final List<RuleProblem> problems;

  public InvalidRuleException(List<RuleProblem> problems) {
    super(problems.get(0).pointer() + ": " + problems.get(0).message(), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<RuleProblem> problems() {
    return problems;
  }
}
