package dev.kyanite.server.rules;

import java.util.List;

/** A rule or filter that cannot be compiled; {@link #problems()} says where and why (never empty). */
public final class InvalidRuleException extends Exception {
  private final List<RuleProblem> problems;

  public InvalidRuleException(List<RuleProblem> problems) {
    super(describe(problems.get(0)), null, false, false);
    this.problems = List.copyOf(problems);
  }

  /** "pointer: message (line L, column C)": the position is in the message for callers that only show text. */
  private static String describe(RuleProblem p) {
    String where = p.line() == null ? "" : " (line " + p.line() + ", column " + p.column() + ")";
    return p.pointer() + ": " + p.message() + where;
  }

  public List<RuleProblem> problems() {
    return problems;
  }
}
